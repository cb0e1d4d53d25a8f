/* The tracer's line transport, as the program sees it.
 *
 *   transport fds    one thread opens and closes /dev/null 20,000 times while 40 others
 *                    make calls that wait (nanosleep, futex, poll); prints how many opens
 *                    did not get descriptor 3 (0 untraced: the program holds 0-2 only).
 *   transport many   makes 50,000 marked calls.
 *   transport jump   a 100 us timer whose handler leaves by siglongjmp, while 5,000 calls
 *                    are made (some land while the tracer writes a line), then 1,000
 *                    marked calls: their lines must all arrive.
 *   transport netns  enters a network namespace of its own (root only: prints "skip"
 *                    otherwise), then makes marked calls: their lines must still arrive.
 *   transport spawns  17,000 children made as posix_spawn makes them (clone with
 *                    CLONE_VM | CLONE_VFORK and a stack: they run in the program's
 *                    memory; more than the tracer's 16,384 thread entries), each of which
 *                    calls _exit at once; then a thread calls close(-77): its line must arrive.
 *   transport spawnrace  100 posix_spawns of /bin/true while another thread creates and
 *                    joins threads, then an exec of itself ("spawnrace again"): prints
 *                    how many spawns failed, then "exec ok" (the spawn children run in
 *                    the program's memory while its other threads clone).
 *   transport lenrace  after each of 400 calls flips its record's length between the
 *                    true one and 0x7fffff00 until the launcher has read it (a program
 *                    writing into the tracer's memfd): the launcher must not die.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static atomic_int done;

static void *waiter(void *arg) {
    (void)arg;
    struct timespec ts = {0, 200000};
    while (!atomic_load(&done)) {
        nanosleep(&ts, NULL);
        poll(NULL, 0, 0);
        sched_yield();
    }
    return NULL;
}

static int fds(void) {
    /* 40 threads: more than an image had ring slots once (32). */
    pthread_t t[40];
    for (int i = 0; i < 40; i++)
        pthread_create(&t[i], NULL, waiter, NULL);
    int other = 0;
    for (int i = 0; i < 20000; i++) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd != 3)
            other++;
        close(fd);
    }
    atomic_store(&done, 1);
    for (int i = 0; i < 40; i++)
        pthread_join(t[i], NULL);
    printf("other numbers: %d\n", other);
    return 0;
}

static int netns(void) {
    if (unshare(CLONE_NEWNET) != 0) {
        printf("skip\n");
        return 0;
    }
    for (int i = 0; i < 3000; i++)
        getpriority(PRIO_PROCESS, 1000000 + i);
    printf("done\n");
    return 0;
}

static sigjmp_buf env;
static volatile sig_atomic_t armed;

static void on_alarm(int sig) {
    (void)sig;
    if (!armed)
        return;
    armed = 0;
    siglongjmp(env, 1);
}

static int jump(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 100}, {0, 100}};
    setitimer(ITIMER_REAL, &it, NULL);
    for (volatile int i = 0; i < 5000; i++)
        if (sigsetjmp(env, 1) == 0) {
            armed = 1;
            getpriority(PRIO_PROCESS, 1000000 + i);
            armed = 0;
        }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    for (int i = 0; i < 1000; i++)
        getpriority(PRIO_PROCESS, 2000000 + i);
    printf("done\n");
    return 0;
}

static int many(void) {
    for (int i = 0; i < 50000; i++)
        getpriority(PRIO_PROCESS, 1000000 + i);
    printf("done\n");
    return 0;
}

/* The ring slot of thread `tid` in the image's memfd (protocol.rs BATCH_SLOT_SIZE). */
static unsigned char *ring_slot(int tid) {
    FILE *m = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned char *region = NULL;
    while (m && fgets(line, sizeof line, m))
        if (strstr(line, "memfd:sigsys-trace"))
            region = (unsigned char *)strtoull(line, NULL, 16);
    if (m)
        fclose(m);
    for (int i = 0; region && i < 256; i++)
        if (((volatile int *)region)[i] == tid)
            return region + 4096 + (size_t)i * (128 + 128 * 1024);
    return NULL;
}

static int lenrace(void) {
    unsigned char *s = ring_slot(syscall(SYS_gettid));
    if (!s) {
        printf("untraced\n");
        return 0;
    }
    volatile uint64_t *head = (volatile uint64_t *)s, *tail = (volatile uint64_t *)(s + 64);
    pid_t launcher = getppid();
    for (int i = 0; i < 400; i++) {
        uint64_t h0 = *head;
        getppid();
        uint64_t h1 = *head;
        if (128 * 1024 - h0 % (128 * 1024) < 72)
            continue; /* a padding record first */
        volatile uint32_t *len = (volatile uint32_t *)(s + 128 + h0 % (128 * 1024) + 16);
        uint32_t want = *len;
        for (long spin = 0; *tail < h1; spin++) {
            if (spin == 20000000) {
                if (getppid() != launcher)
                    return 1; /* the launcher died */
                spin = 0;
            }
            *len = want;
            for (volatile int k = 0; k < 20; k++) {}
            *len = 0x7fffff00u;
            for (volatile int k = 0; k < 20; k++) {}
        }
        *len = want;
    }
    printf("done\n");
    return 0;
}

static void *marked_close(void *arg) {
    (void)arg;
    close(-77);
    return NULL;
}

static int spawned(void *arg) {
    (void)arg;
    _exit(0); /* exit_group, as a posix_spawn child whose exec failed */
}

static int spawns(void) {
    static char stack[64 * 1024] __attribute__((aligned(16)));
    int reaped = 0;
    for (int i = 0; i < 17000; i++) {
        pid_t pid = clone(spawned, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
        if (pid > 0 && waitpid(pid, NULL, 0) == pid)
            reaped++;
    }
    pthread_t t;
    pthread_create(&t, NULL, marked_close, NULL);
    pthread_join(t, NULL);
    printf("children: %d\n", reaped);
    return 0;
}

static atomic_int stop_churn;

static void *leaf(void *arg) {
    return arg;
}

static void *churn(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_churn)) {
        pthread_t t;
        pthread_create(&t, NULL, leaf, NULL);
        pthread_join(t, NULL);
    }
    return NULL;
}

static int spawnrace(const char *self) {
    extern char **environ;
    pthread_t c;
    pthread_create(&c, NULL, churn, NULL);
    int failed = 0;
    for (int i = 0; i < 100; i++) {
        pid_t pid;
        char *argv[] = {"/bin/true", NULL};
        int status = 0;
        int e = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
        if (e == 0)
            waitpid(pid, &status, 0);
        if (e != 0 || status != 0)
            failed++;
    }
    atomic_store(&stop_churn, 1);
    pthread_join(c, NULL);
    printf("failed spawns: %d\n", failed);
    fflush(stdout);
    execl("/proc/self/exe", self, "spawnrace", "again", (char *)NULL);
    perror("exec");
    return 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "jump"))
        return jump();
    if (argc > 1 && !strcmp(argv[1], "many"))
        return many();
    if (argc > 1 && !strcmp(argv[1], "fds"))
        return fds();
    if (argc > 1 && !strcmp(argv[1], "netns"))
        return netns();
    if (argc > 1 && !strcmp(argv[1], "lenrace"))
        return lenrace();
    if (argc > 1 && !strcmp(argv[1], "spawns"))
        return spawns();
    if (argc > 2 && !strcmp(argv[1], "spawnrace")) {
        printf("exec ok\n");
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "spawnrace"))
        return spawnrace(argv[0]);
    fprintf(stderr, "usage: transport fds|jump|many|netns|lenrace|spawns|spawnrace\n");
    return 2;
}
