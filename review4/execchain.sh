#!/bin/sh
# Runs execchain (execchain.c) under sigsys-trace for N images and samples the launcher's
# mappings and memory every 10 s. Shows: the launcher's map count and shmem grow by one
# mapping (and a few pages) per image, forever; past vm.max_map_count the new images'
# lines are lost in silence.
# Usage: sh execchain.sh [N=70000]  (from /work/wt-review4/review4; ~3 ms per image)
N=${1:-70000}
T=${T:-../target/release/sigsys-trace}
[ -x ./execchain ] || cc -O2 -static -o execchain execchain.c
$T -o /tmp/chain.txt ./execchain "$N" 2>/tmp/chain.err &
L=$!
while kill -0 $L 2>/dev/null; do
  sleep 10
  [ -r /proc/$L/maps ] || break
  printf '%s maps=%s %s %s\n' "$(date +%T)" "$(wc -l </proc/$L/maps)" \
    "$(grep VmRSS /proc/$L/status | tr -s ' ')" "$(grep RssShmem /proc/$L/status | tr -s ' ')"
done
wait $L; echo "launcher rc=$?"
echo "getppid lines: $(grep -c getppid /tmp/chain.txt) (want $((N+1)))"
echo "execve lines: $(grep -c 'execve(' /tmp/chain.txt)"
cat /tmp/chain.err
