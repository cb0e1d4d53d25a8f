// Threads created and joined one after another: per-batch time. Once every slot of the
// 16,384-entry table has held a thread (Gone tombstones, never Free again), each new
// thread's look-up reads the whole table again.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static void *thr(void *a) { return a; }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 40000;
    double t0 = now();
    for (int i = 1; i <= n; i++) {
        pthread_t t;
        if (pthread_create(&t, 0, thr, 0)) return 3;
        pthread_join(t, 0);
        if (i % 5000 == 0) { double t1 = now(); printf("%6d: %.1f us/thread\n", i, (t1 - t0) / 5000 * 1e6); fflush(stdout); t0 = t1; }
    }
    return 0;
}
