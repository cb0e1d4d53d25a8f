#!/bin/sh
# An exec after unshare(CLONE_NEWNET) (what `unshare -n`, `ip netns exec`, bwrap
# --unshare-net, firejail do): the new image makes its memfd and must send it to the
# launcher over the abstract unix socket (shm.rs new_region -> send_fd), which does not
# exist in the new network namespace: the send fails, REGION = 2, and every line of the
# image goes to send_bytes, which fails too. The whole exec'd program is untraced, and
# the launcher says "executed a program that did not arm the tracer". The README says a
# network namespace of its own cannot stop lines (only true without an exec).
# Run (root): sh netns_exec.sh   (want: sh's and ls's calls in /tmp/netns_exec.txt)
T=${T:-../target/release/sigsys-trace}
$T -o /tmp/netns_exec.txt unshare -n sh -c 'ls / >/dev/null; echo done'
echo "lines: $(wc -l </tmp/netns_exec.txt); of sh's image after exec: $(grep -c 'getdents64\|execve("/usr/bin/ls"' /tmp/netns_exec.txt)"
tail -2 /tmp/netns_exec.txt
