// threads40: 40 threads alive at once, each opening /dev/null 500 times and checking it
// gets the lowest free descriptor it expects is not disturbed by the tracer (the threads
// hold a barrier so that they run together). Only 32 ring slots exist per image
// (protocol.rs BATCH_SLOTS): threads beyond send every line as a datagram from a socket
// made for it (send.rs with_socket), which takes a descriptor in the program per line,
// the exact problem the rings were made to remove; and their lines are printed when
// received, not merged by time with the ring lines.
// Build: cc -O2 -pthread -o threads40 threads40.c
// Run:   sigsys-trace -o /tmp/t40.txt ./threads40   (untraced: "odd descriptors: 0")
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#define N 40
static pthread_barrier_t bar;
static atomic_int odd;

static void *run(void *arg) {
    (void)arg;
    pthread_barrier_wait(&bar);
    for (int i = 0; i < 500; i++) {
        /* Two opens in a row: the second must be the first plus one unless another
         * thread opened in between; a tracer socket shows as a gap of 2 or more with
         * nothing of the program's open in that number. */
        int a = open("/dev/null", O_RDONLY);
        int b = open("/dev/null", O_RDONLY);
        char path[64], target[64];
        for (int fd = a + 1; fd < b; fd++) {
            snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(path, target, sizeof target - 1);
            if (n > 0) {
                target[n] = 0;
                if (target[0] == 's') /* socket:[...] */
                    atomic_fetch_add(&odd, 1);
            }
        }
        close(a);
        close(b);
    }
    return NULL;
}

int main(void) {
    pthread_t t[N];
    pthread_barrier_init(&bar, NULL, N);
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, run, NULL);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    printf("sockets seen between two opens: %d\n", atomic_load(&odd));
    return 0;
}
