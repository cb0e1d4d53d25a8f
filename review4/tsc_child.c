// tsc_child: 200 times, a child sets prctl(PR_SET_TSC, PR_TSC_SIGSEGV), makes one call and
// exits; the parent waits for it. The child's tracer then stamps its records with
// CLOCK_MONOTONIC ns x 4 (batch.rs tsc()), the parent's with the TSC (2.4 GHz here):
// the launcher merges one round's lines by these numbers (collect.rs read_rings), so
// the child's lines sort after everything its parent did in that round: the parent's
// wait4 = CHILD before the child's exit_group.
// Build: cc -O2 -o tsc_child tsc_child.c
// Run:   sigsys-trace -o /tmp/tsc.txt ./tsc_child; python3 end_order.py /tmp/tsc.txt
//        (want 0 and 0)
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    for (int i = 0; i < 200; i++) {
        pid_t p = fork();
        if (p == 0) {
            prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
            getppid();
            _exit(0);
        }
        waitpid(p, NULL, 0);
    }
    return 0;
}
