// 16,500 threads alive at once (the table holds 16,384): the ones beyond run untraced
// (state.rs: "more are run untraced, with a warning"). Each calls
// tgkill(pid, its tid, 0) once all are up, and once more after half of them have exited
// (entries Gone and reused). check_tids.py: every line under its own tid.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/mman.h>
#define N 16500
static pthread_barrier_t up, half;
static void mark(void) { syscall(SYS_tgkill, getpid(), gettid(), 0); }
static void *thr(void *a) {
    long i = (long)a;
    pthread_barrier_wait(&up);
    mark();
    if (i % 2) return 0;
    pthread_barrier_wait(&half);
    mark();
    return 0;
}
static void *late(void *a) { mark(); return 0; }
int main(void) {
    static pthread_t t[N];
    // Stacks from one mapping: the tracer's alternate stacks (a mapping or two each) would
    // otherwise reach vm.max_map_count (65530) before the table is full.
    char *stacks = mmap(0, (size_t)(N + 101) << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    long next = 0;
    pthread_attr_t at; pthread_attr_init(&at);
#define STACK() pthread_attr_setstack(&at, stacks + ((size_t)next++ << 16), 64 << 10)
    pthread_barrier_init(&up, 0, N + 1);
    pthread_barrier_init(&half, 0, N / 2 + 1);
    for (long i = 0; i < N; i++)
        if (STACK(), pthread_create(&t[i], &at, thr, (void *)i)) { printf("create %ld failed\n", i); return 1; }
    pthread_barrier_wait(&up);
    for (long i = 1; i < N; i += 2) pthread_join(t[i], 0);
    // New threads take the entries the odd ones left.
    for (int i = 0; i < 100; i++) { pthread_t l; STACK(); pthread_create(&l, &at, late, 0); pthread_join(l, 0); }
    pthread_barrier_wait(&half);
    for (long i = 0; i < N; i += 2) pthread_join(t[i], 0);
    puts("ok");
    return 0;
}
