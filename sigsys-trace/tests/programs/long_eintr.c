/* A sendto of 5000 bytes interrupted by SIGALRM (no SA_RESTART): under -yy -s 100000 its
 * text (over 2 KiB) is made before the call and sent in pieces, which must be withdrawn. */
#include <sys/socket.h>
#include <sys/time.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include <errno.h>
static char buf[5000];
static int n;
static void h(int s) { if (++n >= 3) { struct itimerval z = {0}; setitimer(ITIMER_REAL, &z, 0); } }
int main(int argc, char **argv) {
  int sv[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  memset(buf, 'a', sizeof buf);
  while (send(sv[0], buf, 1000, MSG_DONTWAIT) > 0) ;
  struct sigaction sa = {0}; sa.sa_handler = h; sa.sa_flags = argc > 1 ? SA_RESTART : 0;
  sigaction(SIGALRM, &sa, 0);
  struct itimerval it = {{0, 100000}, {0, 100000}}; setitimer(ITIMER_REAL, &it, 0);
  if (argc > 1) { /* restarted until the 3rd signal; then drain so it completes */ }
  long r = sendto(sv[0], buf, sizeof buf, 0, 0, 0);
  fprintf(stderr, "sendto %ld errno %d\n", r, r < 0 ? errno : 0);
  return 0;
}
