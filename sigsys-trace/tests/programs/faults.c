/* A program with SIGSEGV/SIGBUS handlers of its own (tests/faults.rs runs it untraced and
 * under sigsys-trace and compares): faults recovered with siglongjmp, a handler on an
 * alternate stack, SA_RESETHAND, the default action, the actions read back, bad pointers
 * given to system calls (which the tracer's formatter reads), with SIGSEGV blocked too. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile sig_atomic_t handled;
static volatile int last_code;
static volatile uintptr_t last_addr;
static char *alt_lo, *alt_hi;
static volatile int on_alt;

static void handler(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    char here;
    handled++;
    last_code = si->si_code;
    last_addr = (uintptr_t)si->si_addr;
    on_alt = &here >= alt_lo && &here < alt_hi;
    siglongjmp(jb, sig);
}

static void install(int sig, int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR1);
    if (sigaction(sig, &sa, NULL) != 0) {
        perror("sigaction");
        exit(2);
    }
}

static int null_deref(void) {
    return *(volatile int *)(uintptr_t)(8 + handled % 4);
}

/* System calls with bad pointers: the kernel answers EFAULT; the tracer reads them to
 * format the line and must not fault the program. */
static int bad_pointers(void) {
    int bad = 0;
    char *volatile low = (char *)16;
    bad += write(1, low, 5) == -1;
    bad += access(low + 8, F_OK) == -1;
    struct timespec *ts = (struct timespec *)(low + 16);
    bad += nanosleep(ts, NULL) == -1;
    return bad;
}

static void longjmp_loop(int n) {
    for (int i = 0; i < n; i++) {
        if (sigsetjmp(jb, 1) == 0) {
            null_deref();
            puts("not reached");
        }
    }
}

static void *thread_main(void *arg) {
    (void)arg;
    int bad = 0;
    for (int i = 0; i < 200; i++)
        bad += bad_pointers();
    return (void *)(intptr_t)bad;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "longjmp";
    struct sigaction old;
    sigaction(SIGSEGV, NULL, &old);
    printf("initial SIGSEGV action: %s\n", old.sa_handler == SIG_DFL ? "SIG_DFL" : "other");
    if (!strcmp(mode, "longjmp")) {
        install(SIGSEGV, 0);
        longjmp_loop(1000);
        printf("handled %d, code %d, addr %#lx, bad pointers %d\n", (int)handled, last_code,
               (unsigned long)last_addr, bad_pointers());
        sigaction(SIGSEGV, NULL, &old);
        printf("read back: handler %s, siginfo %d, mask has SIGUSR1 %d, resethand %d\n",
               old.sa_sigaction == handler ? "ours" : "other", !!(old.sa_flags & SA_SIGINFO),
               sigismember(&old.sa_mask, SIGUSR1), !!(old.sa_flags & SA_RESETHAND));
    } else if (!strcmp(mode, "onstack")) {
        size_t size = 256 * 1024;
        alt_lo = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        alt_hi = alt_lo + size;
        stack_t ss = {.ss_sp = alt_lo, .ss_size = size, .ss_flags = 0};
        sigaltstack(&ss, NULL);
        install(SIGSEGV, SA_ONSTACK);
        longjmp_loop(100);
        printf("handled %d on the alternate stack %d\n", (int)handled, (int)on_alt);
    } else if (!strcmp(mode, "bus")) {
        install(SIGBUS, 0);
        FILE *f = tmpfile();
        char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fileno(f), 0);
        if (sigsetjmp(jb, 1) == 0)
            printf("%d\n", p[0]);
        printf("SIGBUS handled %d, code %d\n", (int)handled, last_code);
    } else if (!strcmp(mode, "resethand")) {
        install(SIGSEGV, SA_RESETHAND | SA_NODEFER);
        longjmp_loop(1);
        printf("handled once %d\n", (int)handled);
        fflush(stdout);
        null_deref();
    } else if (!strcmp(mode, "default")) {
        printf("bad pointers %d\n", bad_pointers());
        fflush(stdout);
        null_deref();
    } else if (!strcmp(mode, "ignored")) {
        signal(SIGSEGV, SIG_IGN);
        kill(getpid(), SIGSEGV);
        printf("sent SIGSEGV ignored; bad pointers %d\n", bad_pointers());
        fflush(stdout);
        null_deref();
    } else if (!strcmp(mode, "blocked")) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigaddset(&set, SIGBUS);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        printf("blocked: bad pointers %d\n", bad_pointers());
    } else if (!strcmp(mode, "threads")) {
        install(SIGSEGV, 0);
        pthread_t t[2];
        for (int i = 0; i < 2; i++)
            pthread_create(&t[i], NULL, thread_main, NULL);
        longjmp_loop(300);
        long bad = 0;
        for (int i = 0; i < 2; i++) {
            void *r;
            pthread_join(t[i], &r);
            bad += (long)r;
        }
        printf("threads: handled %d, bad pointers %ld\n", (int)handled, bad);
    }
    return 0;
}
