// Threads that come and go while others fork (children make threads too) and
// posix_spawn; every thread calls tgkill(pid, its tid, 0) so that a checker can match
// each line's task id with the thread that made the call (check_tids.py).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static void mark(void) { syscall(SYS_tgkill, getpid(), gettid(), 0); }
static void *leaf(void *a) { for (int i = 0; i < 3; i++) mark(); return 0; }
static void threads(int n) {
    pthread_t t[8];
    for (int i = 0; i < n; i++) pthread_create(&t[i], 0, leaf, 0);
    for (int i = 0; i < n; i++) pthread_join(t[i], 0);
}
static void *churn(void *a) { for (int i = 0; i < 300; i++) threads(4); return 0; }
static void *forker(void *a) {
    for (int i = 0; i < 60; i++) {
        pid_t c = fork();
        if (c == 0) { mark(); threads(3); mark(); _exit(7); }
        int st; waitpid(c, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 7) { printf("bad child status %x\n", st); exit(1); }
        mark();
    }
    return 0;
}
static void *spawner(void *a) {
    for (int i = 0; i < 60; i++) {
        pid_t c; char *av[] = {"/bin/true", 0};
        if (posix_spawn(&c, "/bin/true", 0, 0, av, environ)) { puts("spawn failed"); exit(1); }
        int st; waitpid(c, &st, 0);
        if (st) { printf("bad spawn status %x\n", st); exit(1); }
        mark();
    }
    return 0;
}
int main(int argc, char **argv) {
    if (argc > 1) { /* mode: letters c=churn f=forker s=spawner */
        pthread_t t[16]; int n = 0;
        for (char *p = argv[1]; *p; p++) pthread_create(&t[n++], 0, *p == 'c' ? churn : *p == 'f' ? forker : spawner, 0);
        for (int i = 0; i < n; i++) pthread_join(t[i], 0);
        puts("ok"); return 0;
    }
    pthread_t t[7];
    pthread_create(&t[0], 0, churn, 0); pthread_create(&t[1], 0, churn, 0);
    pthread_create(&t[2], 0, forker, 0); pthread_create(&t[3], 0, forker, 0);
    pthread_create(&t[4], 0, spawner, 0); pthread_create(&t[5], 0, spawner, 0);
    pthread_create(&t[6], 0, spawner, 0);
    for (int i = 0; i < 7; i++) pthread_join(t[i], 0);
    puts("ok");
    return 0;
}
