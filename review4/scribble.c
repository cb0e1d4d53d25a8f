// scribble MODE: a buggy program that writes into the tracer's ring memfd (it is mapped in
// the program, /proc/self/maps "memfd:sigsys-trace"). The launcher must survive it (and
// may lose or garble this program's lines, nothing more).
//   lenrace  after each call, flips its record's len between the true value and
//            0x7fffff00 until the launcher has read it. drain_rings (collect.rs) validates
//            len in next_record, then reads it again to copy the line: a len changed in
//            between is copied unchecked (2 GiB from a 4 MiB mapping): the launcher dies
//            of SIGSEGV.
//   garbage  fills the whole memfd with random bytes every 1,000 calls.
//   heads    sets its slot's head/tail to extreme values (wrap-arounds) every 100 calls.
// Build: cc -O2 -o scribble scribble.c
// Run:   sigsys-trace -o /tmp/s.txt ./scribble lenrace; echo $?
//        (want: the program's "done" and exit 0, the launcher alive; seen: the launcher
//        killed by SIGSEGV, exit 139)
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCH_HEADER 4096
#define SLOT_SIZE (128 + 128 * 1024)
#define RING_AT 128
#define RING_SIZE (128 * 1024)

static unsigned char *region;

static unsigned char *slot_of(int tid) {
    for (int i = 0; i < 32; i++)
        if (((volatile int *)region)[i] == tid)
            return region + BATCH_HEADER + (size_t)i * SLOT_SIZE;
    return NULL;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "lenrace";
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
    int tid = syscall(SYS_gettid);
    pid_t launcher = getppid();
    unsigned char *s = slot_of(tid);
    volatile uint64_t *head = (volatile uint64_t *)s, *tail = (volatile uint64_t *)(s + 64);
    if (!strcmp(mode, "lenrace")) {
        for (int i = 0; i < 3000; i++) {
            uint64_t h0 = *head;
            getppid();
            uint64_t h1 = *head;
            /* The record getppid's line went into: the last one below h1. Walk from h0. */
            uint64_t q = h0;
            if (RING_SIZE - q % RING_SIZE < 24 + 48)
                q += RING_SIZE - q % RING_SIZE; /* skipped or padding */
            volatile uint32_t *len = (volatile uint32_t *)(s + RING_AT + q % RING_SIZE + 16);
            uint32_t want = *len;
            if (want & 0x80000000u)
                continue;
            /* Until the launcher has read it (or is gone: at most ~2 s). */
            for (long spin = 0; *tail < h1; spin++) {
                if (spin == 20000000) {
                    if (getppid() != launcher) { /* the launcher died */
                        printf("launcher gone\n");
                        return 1;
                    }
                    spin = 0;
                }
                *len = want;
                for (volatile int k = 0; k < 20; k++) {}
                *len = 0x7fffff00u;
                for (volatile int k = 0; k < 20; k++) {}
            }
            *len = want;
        }
    } else if (!strcmp(mode, "garbage")) {
        srand(1);
        for (int i = 0; i < 20000; i++) {
            getppid();
            if (i % 1000 == 999)
                for (size_t k = 0; k < BATCH_HEADER + 32 * (size_t)SLOT_SIZE; k++)
                    region[k] = rand();
        }
    } else if (!strcmp(mode, "heads")) {
        uint64_t vals[] = {~0ull, ~0ull - 8, 1ull << 63, (1ull << 63) - 24, RING_SIZE, 7, 0};
        for (int i = 0; i < 20000; i++) {
            getppid();
            if (i % 100 == 99) {
                int k = (i / 100) % 7;
                *head = vals[k];
                *tail = vals[(k + 3) % 7];
            }
        }
    }
    printf("done\n");
    return 0;
}
