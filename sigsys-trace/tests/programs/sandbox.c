/* A program that sandboxes itself with seccomp, for tests/compose.rs (issue 9).
 *   sandbox errno      getppid fails with EPERM, the rest is allowed
 *   sandbox whitelist  only read, write, openat, close, exit_group and fstat: everything
 *                      else EPERM, the tracer's mmap, sendmsg, process_vm_readv and
 *                      rt_sigreturn included
 *   sandbox kill       getppid kills the process (RET_KILL_PROCESS)
 *   sandbox trap       getppid traps to the program's own SIGSYS handler, which checks the
 *                      context is the call's (as Chromium's does) and writes RAX
 *   sandbox tsync      a filter for all threads (TSYNC) while a second thread runs
 *   sandbox stacked    two filters, ERRNO(1) then ERRNO(2) for getppid: which data the
 *                      kernel returns for equal actions
 *   sandbox strict     seccomp strict mode, then a write and an exit
 *   sandbox notify     getppid goes to a user-notification listener (NEW_LISTENER), whose
 *                      supervisor thread answers 4242
 *   sandbox exec       the errno filter, then an execve of itself (dynamically linked):
 *                      the new image is still filtered (mode after-exec)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define NR offsetof(struct seccomp_data, nr)
#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR)
#define IS(n, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (n), (t), (f))
#define RET(a) BPF_STMT(BPF_RET | BPF_K, (a))

static int install(struct sock_filter *f, unsigned short n, unsigned flags) {
    struct sock_fprog p = {n, f};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p);
}

static void say(const char *s) { (void)!write(1, s, strlen(s)); }

/* Set by the SIGSYS handler: the context is the trapped call's, as Chromium's handler
 * checks it (the call address is the context's RIP, RAX holds the number). */
static volatile int context_matches = -1;

static void on_sigsys(int sig, siginfo_t *info, void *vctx) {
    ucontext_t *ctx = vctx;
    (void)sig;
    context_matches = info->si_call_addr == (void *)ctx->uc_mcontext.gregs[REG_RIP] &&
                      ctx->uc_mcontext.gregs[REG_RAX] == info->si_syscall;
    if (info->si_code == 1 /* SYS_SECCOMP */ && info->si_syscall == SYS_getppid)
        ctx->uc_mcontext.gregs[REG_RAX] = 4242 + info->si_errno;
}

/* Set by the thread: whether getppid failed with EPERM while it ran (printed by main
 * after the join, so that the output's order does not depend on the threads' timing). */
static volatile int thread_saw_eperm = -1;

/* The supervisor of mode notify: one notification, answered with 4242. */
static void *supervise(void *a) {
    int fd = (int)(long)a;
    struct seccomp_notif req;
    struct seccomp_notif_resp resp;
    memset(&req, 0, sizeof req);
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
        say("recv failed\n");
        return 0;
    }
    memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    resp.val = 4242;
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0)
        say("send failed\n");
    return 0;
}

static void *idle(void *a) {
    (void)a;
    for (int i = 0; i < 50; i++) {
        usleep(2000);
        if (syscall(SYS_getppid) == -1 && errno == EPERM) {
            thread_saw_eperm = 1;
            return 0;
        }
    }
    thread_saw_eperm = 0;
    return 0;
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "errno";
    char buf[64];
    if (!strcmp(m, "errno")) {
        struct sock_filter f[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_ERRNO | EPERM),
                                  RET(SECCOMP_RET_ALLOW)};
        printf("install %d\n", install(f, 4, 0));
        long r = syscall(SYS_getppid);
        printf("getppid %ld errno %d\n", r, r < 0 ? errno : 0);
        printf("getpid ok %d\n", getpid() > 0);
    } else if (!strcmp(m, "whitelist")) {
        struct sock_filter f[] = {LD_NR,
                                  IS(SYS_read, 6, 0),
                                  IS(SYS_write, 5, 0),
                                  IS(SYS_openat, 4, 0),
                                  IS(SYS_close, 3, 0),
                                  IS(SYS_exit_group, 2, 0),
                                  IS(SYS_fstat, 1, 0),
                                  RET(SECCOMP_RET_ERRNO | EPERM),
                                  RET(SECCOMP_RET_ALLOW)};
        fflush(stdout);
        int r = install(f, 9, 0);
        snprintf(buf, sizeof buf, "install %d\n", r);
        say(buf);
        long p = syscall(SYS_getppid);
        snprintf(buf, sizeof buf, "getppid %ld\n", p);
        say(buf);
        int fd = syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);
        snprintf(buf, sizeof buf, "open %s\n", fd >= 0 ? "ok" : "failed");
        say(buf);
        syscall(SYS_close, fd);
        syscall(SYS_exit_group, 0);
    } else if (!strcmp(m, "kill")) {
        struct sock_filter f[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_KILL_PROCESS),
                                  RET(SECCOMP_RET_ALLOW)};
        printf("install %d\n", install(f, 4, 0));
        fflush(stdout);
        syscall(SYS_getppid);
        say("not reached\n");
    } else if (!strcmp(m, "trap")) {
        struct sigaction sa = {0};
        sa.sa_sigaction = on_sigsys;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGSYS, &sa, 0);
        struct sock_filter f[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_TRAP | 7),
                                  RET(SECCOMP_RET_ALLOW)};
        printf("install %d\n", install(f, 4, 0));
        printf("getppid %ld\n", syscall(SYS_getppid));
        printf("context matches %d\n", context_matches);
    } else if (!strcmp(m, "tsync")) {
        pthread_t t;
        pthread_create(&t, 0, idle, 0);
        struct sock_filter f[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_ERRNO | EPERM),
                                  RET(SECCOMP_RET_ALLOW)};
        printf("install %d\n", install(f, 4, SECCOMP_FILTER_FLAG_TSYNC));
        fflush(stdout);
        pthread_join(t, 0);
        say(thread_saw_eperm == 1 ? "thread: getppid EPERM\n" : "thread: getppid allowed\n");
    } else if (!strcmp(m, "stacked")) {
        struct sock_filter a[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_ERRNO | 1),
                                  RET(SECCOMP_RET_ALLOW)};
        struct sock_filter b[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_ERRNO | 2),
                                  RET(SECCOMP_RET_ALLOW)};
        printf("install %d %d\n", install(a, 4, 0), install(b, 4, 0));
        long r = syscall(SYS_getppid);
        /* The same action from both: the kernel answers with the first installed's data
           (observed on 6.x; what counts here is that traced and untraced agree). */
        printf("getppid %ld errno %d\n", r, r < 0 ? errno : 0);
    } else if (!strcmp(m, "exec")) {
        struct sock_filter f[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_ERRNO | EPERM),
                                  RET(SECCOMP_RET_ALLOW)};
        printf("install %d\n", install(f, 4, 0));
        fflush(stdout);
        char *again[] = {argv[0], "after-exec", 0};
        execv("/proc/self/exe", again);
        printf("exec failed %d\n", errno);
    } else if (!strcmp(m, "after-exec")) {
        long r = syscall(SYS_getppid);
        printf("after exec: getppid %ld errno %d\n", r, r < 0 ? errno : 0);
    } else if (!strcmp(m, "notify")) {
        struct sock_filter f[] = {LD_NR, IS(SYS_getppid, 0, 1), RET(SECCOMP_RET_USER_NOTIF),
                                  RET(SECCOMP_RET_ALLOW)};
        int fd = install(f, 4, SECCOMP_FILTER_FLAG_NEW_LISTENER);
        printf("listener %s\n", fd >= 0 ? "ok" : "failed");
        fflush(stdout);
        pthread_t t;
        pthread_create(&t, 0, supervise, (void *)(long)fd);
        long r = syscall(SYS_getppid);
        printf("getppid %ld\n", r);
        pthread_join(t, 0);
    } else if (!strcmp(m, "strict")) {
        fflush(stdout);
        syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, 0);
        say("strict write\n");
        syscall(SYS_exit, 0);
    }
    return 0;
}
