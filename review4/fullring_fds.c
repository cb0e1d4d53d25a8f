// fullring_fds: thread A floods lines (getppid in a loop), so that its ring is full
// whenever the launcher's output is slow; thread B opens and closes /dev/null and counts
// opens that did not get descriptor 3. Each time A finds its ring full it sends a
// "come now" datagram from a socket made for it (batch.rs Wait::for_room, send.rs
// try_send/with_socket), which B's open can land on.
// Build: cc -O2 -pthread -o fullring_fds fullring_fds.c
// Run:   sigsys-trace ./fullring_fds 2>&1 >/tmp/fr.out | python3 -c 'import sys,time
//        while sys.stdin.buffer.read1(8192): time.sleep(0.005)'; cat /tmp/fr.out
//        (want "other numbers: 0", as untraced)
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int done;

static void *flood(void *arg) {
    (void)arg;
    while (!atomic_load(&done))
        getppid();
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, flood, NULL);
    int other = 0;
    for (int i = 0; i < 20000; i++) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd != 3)
            other++;
        close(fd);
    }
    atomic_store(&done, 1);
    pthread_join(t, NULL);
    printf("other numbers: %d\n", other);
    return 0;
}
