// posix_spawn's child (CLONE_VM|CLONE_VFORK, record-started) writes its pid into the
// loader's process-wide cached PID (state::refresh_pid in clone::child_setup), in memory
// it shares with its parent, whose other threads keep running; a thread of the parent that
// clones meanwhile reads it and writes it back (clone::handle: state::pid() ... set_pid).
// Then: the spawned child's execve publishes its slot under the wrong pid (its loader:
// "started without a program to load", exit 127), or the parent keeps the child's pid
// and its own later execve fails the same way. Exit 0 when every spawn and the final
// exec worked.
#define _GNU_SOURCE
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static volatile int stop;
static void *leaf(void *a) { return a; }
static void *churn(void *a) {
    while (!stop) { pthread_t t; pthread_create(&t, 0, leaf, 0); pthread_join(t, 0); }
    return 0;
}
int main(int argc, char **argv) {
    if (argc > 1) { puts("exec ok"); return 0; }
    pthread_t c; pthread_create(&c, 0, churn, 0);
    int bad = 0;
    for (int i = 0; i < 100; i++) {
        pid_t p; char *av[] = {"/bin/true", 0};
        int e = posix_spawn(&p, "/bin/true", 0, 0, av, environ);
        int st = 0;
        if (!e) waitpid(p, &st, 0);
        if (e || st) bad++;
    }
    stop = 1; pthread_join(c, 0);
    printf("%d of 100 spawns failed\n", bad); fflush(stdout);
    execl("/proc/self/exe", argv[0], "again", (char *)0);
    perror("exec"); return 1;
}
