// nested_sleep: a program signal handler that interrupts the tracer while it writes a
// line (the record reserved, REC_RESERVED set, not finished) and then blocks for 1.5 s
// (think: a SIGINT handler asking "really quit?"), making one call before the sleep.
// The launcher takes the record, alive but sleeping in state S (not stopped), for one
// "left half-written" after 1 s (collect.rs left_half_written) and skips it: the
// interrupted call's line is lost although its thread finishes writing it a moment
// later. With "wrap" the handler then makes calls until the ring has lapped the skipped
// record and its head is just past it, and returns: the outer writer, resuming, finishes
// its stale record over the newest, unread ones (their lines are lost too, or worse).
// With "fill" the handler does not sleep but makes 3,000 calls at once: the ring fills
// behind the interrupted record, the nested lines that do not fit go out as datagrams
// (a socket each) and are printed before the earlier nested lines still in the ring:
// one thread's lines out of order.
// Build: cc -O2 -o nested_sleep nested_sleep.c
// Run:   sigsys-trace -o /tmp/ns.txt ./nested_sleep [wrap]
//        grep -c 'getpriority(PRIO_PROCESS, 1' /tmp/ns.txt   (want "marked calls")
//        grep -c 'getpriority(PRIO_PROCESS, 4' /tmp/ns.txt   (want "handler calls")
//        fill: grep -o 'PROCESS, 4[0-9]*' /tmp/ns.txt | sort -c   (want: in order)
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BATCH_HEADER 4096
#define SLOT_SIZE (128 + 128 * 1024)
#define RING_AT 128
#define RING_SIZE (128 * 1024)
#define RESERVED (1ull << 63)

static unsigned char *region;
static int mytid;
static volatile int fired, wrap, fill;
static volatile long marked;
static uint64_t stuck; /* position of the interrupted record */
static long handler_calls;

static unsigned char *my_slot(void) {
    for (int i = 0; i < 32; i++)
        if (((int *)region)[i] == mytid)
            return region + BATCH_HEADER + (size_t)i * SLOT_SIZE;
    return NULL;
}

/* Whether this thread's ring has a record reserved and not written (its pos word holds
 * its position with REC_RESERVED), at the head's end. */
static int mid_write(void) {
    unsigned char *s = my_slot();
    if (!s)
        return 0;
    uint64_t head = *(volatile uint64_t *)s, tail = *(volatile uint64_t *)(s + 64);
    for (uint64_t q = tail; q < head; q += 8) {
        uint64_t w = *(volatile uint64_t *)(s + RING_AT + q % RING_SIZE);
        if (w == (q | RESERVED)) {
            stuck = q;
            return 1;
        }
    }
    return 0;
}

static void on_alarm(int sig) {
    (void)sig;
    if (fired || !mid_write())
        return;
    fired = 1;
    getpriority(PRIO_PROCESS, 3000000);
    if (fill) {
        /* No sleep: 3,000 calls at once, more than the ring holds behind the interrupted
         * record; the handler's lines must still come out in their order. */
        for (handler_calls = 0; handler_calls < 3000; handler_calls++)
            getpriority(PRIO_PROCESS, 4000000 + (int)handler_calls);
        return;
    }
    struct timespec ts = {1, 500000000};
    nanosleep(&ts, NULL);
    if (wrap) {
        /* Until the ring's head has lapped the interrupted record and is just past it:
         * the outer writer then finishes its record over the newest, unread ones. */
        unsigned char *s = my_slot();
        while (*(volatile uint64_t *)s < stuck + RING_SIZE + 256) {
            getpriority(PRIO_PROCESS, 4000000 + (int)handler_calls);
            handler_calls++;
        }
    }
}

int main(int argc, char **argv) {
    wrap = argc > 1 && !strcmp(argv[1], "wrap");
    fill = argc > 1 && !strcmp(argv[1], "fill");
    mytid = syscall(SYS_gettid);
    FILE *m = fopen("/proc/self/maps", "r");
    char line[512];
    while (m && fgets(line, sizeof line, m))
        if (strstr(line, "memfd:sigsys-trace"))
            region = (unsigned char *)strtoull(line, NULL, 16);
    if (m)
        fclose(m);
    if (!region) {
        printf("untraced\n");
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 50}, {0, 50}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (!fired && marked < 2000000) {
        getpriority(PRIO_PROCESS, 1000000 + (int)(marked % 1000000));
        marked++;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    for (int i = 0; i < 10; i++) {
        getpriority(PRIO_PROCESS, 1000000);
        marked++;
    }
    printf("fired=%d marked calls=%ld handler calls=%ld\n", fired, marked, handler_calls);
    return 0;
}
