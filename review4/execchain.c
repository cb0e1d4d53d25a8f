// execchain N: execs itself N times (one process, N+1 images), then exits 0.
// Shows: the launcher keeps every image's memfd mapping (collect.rs Collector::images is
// never pruned), so its mappings and shmem grow with the number of images; past
// vm.max_map_count (65530) the launcher's mmap of a new image's memfd fails and
// Image::map returns None: that image's lines are dropped in silence.
// With a second argument L, the last image makes L more calls: past the limit its ring is
// read by nobody, and with L = 10000 it fills and the program waits for the launcher
// forever (batch.rs Wait::for_room: the launcher answers datagrams, so it never gives up).
// The same failure comes much sooner under an address-space limit (each image costs the
// launcher 4 MiB of address space): `ulimit -v 1000000` allows about 200 images.
// Build: cc -O2 -static -o execchain execchain.c
// Run:   sigsys-trace -o /tmp/chain.txt ./execchain 70000; grep -c 'getppid' /tmp/chain.txt
//        (want 70001; every image makes one getppid call)
//        (ulimit -v 1000000; timeout 60 sigsys-trace -o /tmp/c.txt ./execchain 300 10000)
//        (want 10301 getppid lines, exit 0; seen: timeout kills it after 60 s, a hang)
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 0;
    long last = argc > 2 ? atol(argv[2]) : 0;
    getppid();
    if (n <= 0) {
        /* The last image: `last` more calls (10,000 lines fill a 128 KiB ring). */
        for (long i = 0; i < last; i++)
            getppid();
        return 0;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", n - 1);
    execl("/proc/self/exe", argv[0], buf, argc > 2 ? argv[2] : (char *)0, (char *)0);
    return 1;
}
