/*
 * /test of a batch VM (tools/cross/batch.sh): runs every program in /t, in name order, each
 * with no arguments and the VM's environment, and prints a line per program with its status
 * and time. Exits 0 if all exited 0, else 1. One boot serves all the test binaries of a
 * `cargo test` (each re-executes itself from /t for its children, as from /test).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int program(const struct dirent *d) { return d->d_name[0] != '.'; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
    struct dirent **names;
    int n = scandir("/t", &names, program, alphasort), failed = 0;
    if (n < 0) {
        perror("batch: /t");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "/t/%s", names[i]->d_name);
        printf("batch: running %s\n", names[i]->d_name);
        fflush(stdout);
        double start = now();
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = {path, NULL};
            execv(path, argv);
            perror("batch: exec");
            _exit(127);
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0) {
        }
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        printf("batch: %s exited %d after %.2f s\n", names[i]->d_name, code, now() - start);
        fflush(stdout);
        failed += code != 0;
    }
    printf("batch: %d of %d programs failed\n", failed, n);
    return failed != 0;
}
