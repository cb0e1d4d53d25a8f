/* A child killed (SIGKILL, by itself) while its thread writes 200000-byte buffers: the
 * thread's last long line is cut short, and shown before its end line. */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <sys/wait.h>
static char a[200000];
static void *w(void *x) { int fd = open("/dev/null", O_WRONLY); for (;;) write(fd, a, sizeof a); }
int main(void) {
  memset(a, 'a', sizeof a);
  pid_t c = fork();
  if (c == 0) {
    pthread_t t; pthread_create(&t, 0, w, 0);
    struct timespec ts = {0, 30000000}; nanosleep(&ts, 0);
    kill(getpid(), SIGKILL);
  }
  waitpid(c, 0, 0);
  write(1, "parent after child\n", 19);
  return 0;
}
