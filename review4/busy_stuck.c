// busy_stuck: a SIGALRM handler leaves by siglongjmp exactly while the tracer writes a
// line (detected in the ring: a record at the head marked REC_RESERVED). The tracer's
// `busy` flag (batch.rs Line::queue_for: set, and cleared only by the outer writer on its
// way out) then stays set forever, so every later line of this thread counts as nested:
// a full ring is not waited for, the line goes out as a datagram from a socket made for
// it (a descriptor in the program), printed out of order with the ring's lines.
// Afterwards 60,000 numbered calls are made while the launcher is stopped for 1 s.
// Build: cc -O2 -o busy_stuck busy_stuck.c
// Run:   sh -c 'T=../target/release/sigsys-trace; $T -o /tmp/bs.txt ./busy_stuck & L=$!;
//        sleep 1; kill -STOP $L; sleep 1; kill -CONT $L; wait $L';
//        grep -o 'PROCESS, 5[0-9]*' /tmp/bs.txt | sort -c   (want: in order; seen:
//        disorder), and the count (want 60000)
#define _GNU_SOURCE
#include <setjmp.h>
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

static unsigned char *region;
static int mytid;
static sigjmp_buf env;
static volatile int jumped;

static unsigned char *my_slot(void) {
    for (int i = 0; i < 32; i++)
        if (((int *)region)[i] == mytid)
            return region + 4096 + (size_t)i * (128 + 128 * 1024);
    return NULL;
}

static int mid_write(void) {
    unsigned char *s = my_slot();
    if (!s)
        return 0;
    uint64_t head = *(volatile uint64_t *)s, tail = *(volatile uint64_t *)(s + 64);
    for (uint64_t q = tail; q < head; q += 8)
        if (*(volatile uint64_t *)(s + 128 + q % (128 * 1024)) == (q | (1ull << 63)))
            return 1;
    return 0;
}

static void on_alarm(int sig) {
    (void)sig;
    if (!jumped && mid_write()) {
        jumped = 1;
        siglongjmp(env, 1);
    }
}

int main(int argc, char **argv) {
    /* "nojump": the control, no jump (the order is kept). */
    if (argc > 1 && !strcmp(argv[1], "nojump"))
        jumped = 2;
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
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 50}, {0, 50}};
    setitimer(ITIMER_REAL, &it, NULL);
    sigsetjmp(env, 1);
    for (long i = 0; !jumped && i < 2000000; i++)
        getpriority(PRIO_PROCESS, 1000000);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    struct timespec ts = {0, 900000000};
    nanosleep(&ts, NULL);
    for (int i = 0; i < 60000; i++)
        getpriority(PRIO_PROCESS, 5000000 + i);
    printf("jumped=%d\n", jumped);
    return 0;
}
