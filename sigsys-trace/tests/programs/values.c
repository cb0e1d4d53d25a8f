/* Value-result arguments and PTRACE_TRACEME under sigsys-trace (tests/values.rs).
 *
 *   values traceme   a child that asks its parent to trace it: the parent sees one
 *                    SIGSTOP stop and the exit status, as untraced
 *   values sockets   getsockname/accept/recvmsg/select, whose lengths and sets the kernel
 *                    rewrites
 *   values interrupt a read, a nanosleep and a pause interrupted by SIGALRM (no
 *                    SA_RESTART): strace's `= ? ERESTART...` lines
 *   values chld      children exit while the parent sleeps, polls and selects with
 *                    SIGCHLD at its default action: nothing interrupted, three lines
 *   values longexec  execve of paths of 4,999, 4,095 and 4,094 bytes: the errno of each
 *                    (all ENAMETOOLONG: two paths too long, then a name too long)
 *   values nullwait  a child killed by SIGTERM and one that exits with 7, each reaped by
 *                    waitpid(pid, NULL, 0)
 */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <poll.h>
#include <errno.h>
#include <unistd.h>

static int traceme(void)
{
	pid_t p = fork();
	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		getpid();
		_exit(3);
	}
	int st, stops = 0;
	for (;;) {
		waitpid(p, &st, 0);
		if (!WIFSTOPPED(st))
			break;
		printf("stopped by %d\n", WSTOPSIG(st));
		if (++stops > 5) {
			kill(p, SIGKILL);
			continue;
		}
		ptrace(PTRACE_CONT, p, 0, 0);
	}
	printf("exited %d with %d\n", WIFEXITED(st), WEXITSTATUS(st));
	return 0;
}

static int sockets(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	getsockname(sv[0], (struct sockaddr *)&ss, &len);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bind(s, (struct sockaddr *)&a, sizeof(a));
	listen(s, 1);
	len = sizeof(a);
	getsockname(s, (struct sockaddr *)&a, &len);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&a, sizeof(a));
	len = sizeof(ss);
	int d = accept(s, (struct sockaddr *)&ss, &len);
	write(sv[1], "ab", 2);
	char buf[8];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov, .msg_iovlen = 1 };
	recvmsg(sv[0], &m, 0);
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(sv[0], &r);
	FD_SET(sv[1], &r);
	FD_SET(sv[1], &w);
	struct timeval tv = { 1, 0 };
	select(sv[1] + 1, &r, &w, NULL, &tv);
	printf("%d\n", d >= 0);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int interrupt(void)
{
	int p[2];
	pipe(p);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, 0);
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	setitimer(ITIMER_REAL, &it, 0);
	char c;
	int r = read(p[0], &c, 1);
	struct timespec ts = { 5, 0 };
	setitimer(ITIMER_REAL, &it, 0);
	nanosleep(&ts, 0);
	setitimer(ITIMER_REAL, &it, 0);
	pause();
	printf("%d\n", r);
	return 0;
}

static int chld(void)
{
	struct sigaction old;
	sigaction(SIGCHLD, NULL, &old);
	printf("default %d\n", old.sa_handler == SIG_DFL);
	if (!fork()) {
		usleep(50000);
		_exit(0);
	}
	struct timespec ts = { 0, 300000000 };
	int r = nanosleep(&ts, 0);
	printf("nanosleep %d %d\n", r, r ? errno : 0);
	if (!fork()) {
		usleep(50000);
		_exit(0);
	}
	printf("poll %d\n", poll(0, 0, 300));
	if (!fork()) {
		usleep(50000);
		_exit(0);
	}
	struct timeval tv = { 0, 300000 };
	printf("select %d\n", select(0, 0, 0, 0, &tv));
	int st;
	while (wait(&st) > 0)
		;
	return 0;
}

static int longexec(void)
{
	static char path[5000];
	char *argv[] = {"x", NULL};
	size_t lens[] = {4999, 4095, 4094};
	for (int i = 0; i < 3; i++) {
		memset(path, 'a', sizeof path);
		path[0] = '/';
		path[lens[i]] = 0;
		execve(path, argv, NULL);
		printf("%zu: errno %d\n", lens[i], errno);
	}
	return 0;
}

static int nullwait(void)
{
	pid_t p = fork();
	if (p == 0) {
		pause();
		return 0;
	}
	usleep(100000);
	kill(p, SIGTERM);
	waitpid(p, NULL, 0);
	p = fork();
	if (p == 0)
		_exit(7);
	waitpid(p, NULL, 0);
	printf("reaped\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "nullwait"))
		return nullwait();
	if (argc > 1 && !strcmp(argv[1], "longexec"))
		return longexec();
	if (argc > 1 && !strcmp(argv[1], "chld"))
		return chld();
	if (argc > 1 && !strcmp(argv[1], "interrupt"))
		return interrupt();
	if (argc > 1 && !strcmp(argv[1], "traceme"))
		return traceme();
	return sockets();
}
