#!/bin/sh
# The launcher's stderr is a pipe read slowly (8 KiB every 20 ms): the program's rings
# fill, and a waiting thread sends a "come now" datagram from a socket made for it
# (batch.rs Wait::for_room -> send.rs try_send -> with_socket) on its first round of
# waiting and every 64th: another thread's open() then gets descriptor 4 instead of 3.
# The rings were made so that the tracer takes no descriptor in the program.
# Run: sh slow_pipe_fds.sh   (from /work/wt-review4/review4; want "other numbers: 0")
T=${T:-../target/release/sigsys-trace}
cc -O2 -pthread -o /tmp/transport ../sigsys-trace/tests/programs/transport.c || exit 1
$T /tmp/transport fds 2>&1 >/tmp/slow_pipe_fds.out | \
  python3 -c '
import sys, time
while sys.stdin.buffer.read1(8192):
    time.sleep(0.02)
'
cat /tmp/slow_pipe_fds.out
