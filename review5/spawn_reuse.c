// A posix_spawn child's table entry (private_sighand=true) is marked Gone by the parent
// (state::forget) and later reused by a new thread, which keeps private_sighand=true:
// that thread's sigaction is then installed raw (not wrapped, not recorded), so its
// signal is not shown in the trace (and a SIGSEGV handler would replace the tracer's).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>
extern char **environ;
static int target;
static volatile sig_atomic_t got;
static void on_usr(int s) { got++; }
static void on_segv(int s) { write(1, "program SIGSEGV handler ran\n", 28); _exit(9); }
static void *thr(void *a) {
    int t = gettid();
    if (t % 16384 != target) return (void *)0;
    // The thread that reuses the spawn child's entry.
    struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_usr;
    sigaction(SIGUSR2, &sa, 0);
    raise(SIGUSR2);
    if (getenv("SEGV")) {
        // The tracer's own fault handler for reading program memory is replaced too.
        struct sigaction sv; memset(&sv, 0, sizeof sv); sv.sa_handler = on_segv;
        sigaction(SIGSEGV, &sv, 0);
        char *p = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        long r = open(p, O_RDONLY);  // EFAULT without the tracer
        char m[64]; int n = snprintf(m, sizeof m, "write(bad) = %ld\n", r);
        write(1, m, n);
    }
    char m[64]; int n = snprintf(m, sizeof m, "HIT tid=%d got=%d\n", t, (int)got);
    write(1, m, n);
    return (void *)1;
}
int main(void) {
    pid_t c; char *av[] = {"/bin/true", 0};
    if (posix_spawn(&c, "/bin/true", 0, 0, av, environ)) return 2;
    waitpid(c, 0, 0);
    target = c % 16384;
    printf("spawned %d slot %d\n", c, target); fflush(stdout);
    for (int i = 0; i < 40000; i++) {
        pthread_t t; void *r;
        if (pthread_create(&t, 0, thr, 0)) return 3;
        pthread_join(t, &r);
        if (r) return 0;
    }
    puts("no hit"); return 1;
}
