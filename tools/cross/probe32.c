/*
 * AArch32 compat probe: a static armhf program (arm-linux-gnueabihf-gcc -static) run in the
 * arm64 VM by tools/cross/runner.sh. Checks seccomp RET_TRAP for an ARM-state and a
 * Thumb-state `svc #0`: si_arch, si_syscall vs r7, r0, si_call_addr vs pc, the instruction
 * before it, RET_DATA, emulation and restart (pc -= 4 / 2). Prints FACT/CHECK lines.
 */
#define _GNU_SOURCE
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <ucontext.h>
#include <unistd.h>

#define MAGIC 0x5151
static int failed;
#define CHECK(name, cond) \
    do { int ok_ = (cond); if (!ok_) failed = 1; printf("CHECK %s: %s\n", name, ok_ ? "ok" : "FAIL"); } while (0)

static volatile struct {
    int count, code, err, nr, arch;
    uint32_t call, pc, r7, r0, r1, cpsr, insn32;
    uint16_t insn16;
    int restart;
} rec;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    rec.count++;
    rec.code = si->si_code;
    rec.err = si->si_errno;
    rec.nr = si->si_syscall;
    rec.arch = (int)si->si_arch;
    rec.call = (uint32_t)(uintptr_t)si->si_call_addr;
    rec.pc = uc->uc_mcontext.arm_pc;
    rec.r7 = uc->uc_mcontext.arm_r7;
    rec.r0 = uc->uc_mcontext.arm_r0;
    rec.r1 = uc->uc_mcontext.arm_r1;
    rec.cpsr = uc->uc_mcontext.arm_cpsr;
    int thumb = (rec.cpsr >> 5) & 1;
    if (thumb)
        rec.insn16 = *(volatile uint16_t *)(uintptr_t)(rec.call - 2);
    else
        rec.insn32 = *(volatile uint32_t *)(uintptr_t)(rec.call - 4);
    if (rec.restart && uc->uc_mcontext.arm_r0 == MAGIC) {
        uc->uc_mcontext.arm_r0 = 0;
        uc->uc_mcontext.arm_pc = rec.call - (thumb ? 2 : 4);
    } else {
        uc->uc_mcontext.arm_r0 = 4242;
    }
}

/* getpgid(a0) with the number in r7 from the given state; returns r0. */
__attribute__((target("arm"), noinline)) static long call_arm(long a0, long a1)
{
    register long r0 asm("r0") = a0;
    register long r1 asm("r1") = a1;
    register long r7 asm("r7") = SYS_getpgid;
    asm volatile("svc #0" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
    return r0;
}
__attribute__((target("thumb"), noinline, optimize("omit-frame-pointer"))) static long call_thumb(long a0, long a1)
{
    register long r0 asm("r0") = a0;
    register long r1 asm("r1") = a1;
    register long r7 asm("r7") = SYS_getpgid;
    asm volatile("svc #0" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
    return r0;
}

static void run(const char *state, long (*f)(long, long), int thumb)
{
    memset((void *)&rec, 0, sizeof rec);
    long ret = f(MAGIC, 0x11112222);
    printf("FACT compat.%s.si_code = %d\n", state, rec.code);
    printf("FACT compat.%s.si_errno = %#x\n", state, rec.err);
    printf("FACT compat.%s.si_arch = %#x\n", state, (unsigned)rec.arch);
    printf("FACT compat.%s.si_syscall = %d, r7 %u\n", state, rec.nr, rec.r7);
    printf("FACT compat.%s.r0_is_original_arg0 = %s, r1 %#x\n", state, rec.r0 == MAGIC ? "true" : "false", rec.r1);
    printf("FACT compat.%s.pc - si_call_addr = %d\n", state, (int)(rec.pc - rec.call));
    printf("FACT compat.%s.cpsr.T = %u\n", state, (rec.cpsr >> 5) & 1);
    if (thumb)
        printf("FACT compat.%s.insn_before_si_call_addr (16 bits) = %#06x\n", state, rec.insn16);
    else
        printf("FACT compat.%s.insn_before_si_call_addr (32 bits) = %#010x\n", state, rec.insn32);
    printf("FACT compat.%s.caller_sees_emulated_return = %ld\n", state, ret);
    CHECK("compat si_arch AUDIT_ARCH_ARM", (unsigned)rec.arch == AUDIT_ARCH_ARM);
    CHECK("compat si_syscall = r7", rec.nr == SYS_getpgid && rec.r7 == SYS_getpgid);
    CHECK("compat si_errno = RET_DATA, pc = si_call_addr, emulated", rec.err == 0x32 && rec.pc == rec.call && ret == 4242);
    CHECK(thumb ? "compat Thumb svc #0 = 0xdf00" : "compat ARM svc #0 = 0xef000000",
          thumb ? rec.insn16 == 0xdf00 : rec.insn32 == 0xef000000);
    memset((void *)&rec, 0, sizeof rec);
    rec.restart = 1;
    ret = f(MAGIC, 0);
    long real = getpgid(0);
    printf("FACT compat.%s.restart (pc back %d, r0 set to 0) = %ld (real getpgid %ld, entries %d)\n", state, thumb ? 2 : 4, ret, real, rec.count);
    CHECK("compat restart", ret == real && rec.count == 1);
}

int main(void)
{
    struct utsname u;
    uname(&u);
    printf("FACT compat.kernel = %s, uname machine %s, sizeof(long) %zu\n", u.release, u.machine, sizeof(long));
    printf("FACT compat.ucontext_t (glibc armhf) = uc_mcontext=%zu arm_r0=%zu arm_pc=%zu uc_sigmask=%zu size=%zu\n",
           offsetof(ucontext_t, uc_mcontext), offsetof(ucontext_t, uc_mcontext.arm_r0),
           offsetof(ucontext_t, uc_mcontext.arm_pc), offsetof(ucontext_t, uc_sigmask), sizeof(ucontext_t));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_ARM, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MAGIC, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 0x32),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof f / sizeof f[0], f};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        perror("seccomp");
        return 2;
    }
    run("arm", call_arm, 0);
    run("thumb", call_thumb, 1);
    printf("%d passed, %d failed\n", failed ? 0 : 1, failed ? 1 : 0);
    return failed;
}
