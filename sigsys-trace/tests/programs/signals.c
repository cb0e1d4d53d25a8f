/* Signal deliveries under sigsys-trace (sigsys-trace/tests/signals.rs): handlers of each
 * kind run as untraced, read back as the program set them, and each delivery is a line
 * as strace prints it. Prints what the handlers saw; exits 0. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t usr1, chld, usr2, value;

static void on_usr1(int s) { (void)s; usr1++; }
static void on_chld(int s, siginfo_t *i, void *c) {
    (void)s; (void)c;
    if (i->si_code == CLD_EXITED && i->si_status == 3) chld++;
}
static void on_usr2(int s, siginfo_t *i, void *c) {
    (void)s; (void)c;
    usr2++;
    if (i->si_code == SI_QUEUE) value = i->si_value.sival_int;
}

int main(void) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaddset(&sa.sa_mask, SIGSYS); /* reads back with SIGSYS in it */
    sigaction(SIGUSR1, &sa, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGUSR2, &sa, 0);

    sigaction(SIGUSR1, 0, &old);
    printf("usr1 reads back: %d, mask has SIGSYS: %d\n", old.sa_handler == on_usr1,
           sigismember(&old.sa_mask, SIGSYS));
    kill(getpid(), SIGUSR1);

    pid_t p = fork();
    if (p == 0) _exit(3);
    int st;
    while (waitpid(p, &st, 0) < 0) {}

    union sigval v = {.sival_int = 42};
    sigqueue(getpid(), SIGUSR2, v);
    sigaction(SIGUSR2, 0, &old);
    printf("usr2 after one delivery: %s\n", old.sa_handler == SIG_DFL ? "SIG_DFL" : "handler");
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2); /* ignored: no line */

    /* posix_spawn's child resets the handlers in its own copy of the actions. */
    char *argv[] = {"true", 0};
    if (posix_spawn(&p, "/bin/true", 0, 0, argv, environ) == 0) while (waitpid(p, &st, 0) < 0) {}
    raise(SIGUSR1);
    sigaction(SIGUSR1, 0, &old);
    printf("usr1=%d chld=%d usr2=%d value=%d still ours: %d\n", usr1, chld, usr2, value,
           old.sa_handler == on_usr1);
    return 0;
}
