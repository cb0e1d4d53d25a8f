#!/usr/bin/env bash
# sigsys-trace's tests with nothing allowed to skip: strace and setarch must be there and the
# kernel must have Syscall User Dispatch (the tests otherwise print SKIPPED and pass).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v strace >/dev/null || { apt-get update -qq && apt-get install -y -qq strace >/dev/null; }
SIGSYS_TRACE_REQUIRE=1 cargo test -p sigsys-trace "$@"
# The launcher's main command, end to end.
out=$(cargo run -q --release -p sigsys-trace -- sh -c 'echo traced; exit 3' 2>trace.err) || rc=$?
[ "${rc:-0}" = 3 ] && [ "$out" = traced ] && grep -q 'exit_group(3) = ?' trace.err
rm -f trace.err
echo "sigsys-trace: ok"
