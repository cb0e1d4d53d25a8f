#!/bin/sh
# hardening.rs go_program_with_preemption in a loop, two at once (load): any launcher
# stderr, exit status or stdout difference is printed. Usage: go_preempt_loop.sh TRACER BIN N
T=${1:-../target/release/sigsys-trace}; B=${2:-/tmp/r5preempt}; N=${3:-30}
want=$($B)
one() {
    out=$($T -o /tmp/r5gp.$1.txt $B 2>/tmp/r5gp.$1.err); rc=$?
    if [ $rc != 0 ] || [ "$out" != "$want" ] || [ -s /tmp/r5gp.$1.err ]; then
        echo "run $1: rc=$rc out=$out stderr:"; cat /tmp/r5gp.$1.err
    fi
}
i=0
while [ $i -lt $N ]; do one a$i & one b$i; wait; i=$((i+1)); done
echo "$N x2 runs done"
