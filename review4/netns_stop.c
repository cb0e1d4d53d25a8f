// netns_stop: enters a network namespace of its own (root), then makes 50,000 calls while
// the launcher is stopped for 3 s (kill -STOP; a ctrl-Z, a debugger, a loaded machine).
// The thread's ring fills; its "come now" datagram cannot reach the launcher from this
// namespace (batch.rs Wait::for_room: reached = false), so after 1,000 rounds (~1 s)
// it gives up (GAVE_UP), and GAVE_UP is never cleared again (it is reset only by an
// append that waited, and no append waits once it is set): from then on every line that
// finds the ring full is lost, although the launcher came back.
// Build: cc -O2 -o netns_stop netns_stop.c
// Run:   sh -c 'T=../target/release/sigsys-trace; $T -o /tmp/nst.txt ./netns_stop & L=$!;
//        sleep 0.5; kill -STOP $L; sleep 3; kill -CONT $L; wait $L';
//        grep -c "getpriority(PRIO_PROCESS, 1" /tmp/nst.txt   (want 50000)
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
int main(void) {
    if (unshare(CLONE_NEWNET) != 0) {
        printf("skip\n");
        return 0;
    }
    struct timespec ts = {0, 800000000};
    nanosleep(&ts, NULL); /* the launcher is stopped meanwhile */
    for (int i = 0; i < 50000; i++)
        getpriority(PRIO_PROCESS, 1000000 + i % 100000);
    printf("done\n");
    return 0;
}
