#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time and fails loudly on any crash.
#
#   bash .ci/fuzz.sh                 # every target, FUZZ_SECONDS (default 60) each
#   FUZZ_SECONDS=10 bash .ci/fuzz.sh decode restart
#
# The sample target a user copies (`fuzz_policy`, the body of examples/fuzz_policy.rs) runs
# FUZZ_SAMPLE_SECONDS (default 30, at most FUZZ_SECONDS).
#
# Needs the nightly toolchain (cargo-fuzz builds with -Zsanitizer=address); installs
# cargo-fuzz if it is missing. Targets run in release mode with debug assertions and
# overflow checks (cargo-fuzz's default), starting from the committed seeds
# (fuzz/corpus/<target>) and crash regressions (fuzz/regressions/<target>). New inputs go
# to a scratch directory, never into the committed corpus. Total time: build (about a
# minute) + 6 targets x FUZZ_SECONDS + the sample's 30 s, under 8 minutes with the
# defaults.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: FAIL: the nightly toolchain is not installed (rustup toolchain install nightly)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

seconds=${FUZZ_SECONDS:-60}
sample=fuzz_policy
sample_seconds=${FUZZ_SAMPLE_SECONDS:-30}
[ "$sample_seconds" -gt "$seconds" ] && sample_seconds=$seconds
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir "$root/fuzz")
fi
# Keep the whole run under 8 minutes: shrink the per-target time if there are many targets.
budget=$((7 * 60))
others=0
with_sample=0
for t in "${targets[@]}"; do
    if [ "$t" = "$sample" ]; then with_sample=1; else others=$((others + 1)); fi
done
if [ $((seconds * others + sample_seconds * with_sample)) -gt "$budget" ] && [ "$others" -gt 0 ]; then
    seconds=$(((budget - sample_seconds * with_sample) / others))
fi
time_of() {
    if [ "$1" = "$sample" ]; then echo "$sample_seconds"; else echo "$seconds"; fi
}

echo "fuzz.sh: targets: ${targets[*]} (${seconds}s each, ${sample_seconds}s for $sample)"
cargo +nightly fuzz build --fuzz-dir "$root/fuzz"

scratch=$(mktemp -d /tmp/sigsys-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/corpus/$t" "$scratch/artifacts/$t"
    seeds=("$root/fuzz/corpus/$t")
    [ -d "$root/fuzz/regressions/$t" ] && seeds+=("$root/fuzz/regressions/$t")
    echo "fuzz.sh: === $t ==="
    if cargo +nightly fuzz run --fuzz-dir "$root/fuzz" "$t" "$scratch/corpus/$t" "${seeds[@]}" -- \
        -max_total_time="$(time_of "$t")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/$t/" 2>"$scratch/$t.log"; then
        grep -E '^stat::number_of_executed_units|^Done' "$scratch/$t.log" || true
    else
        failed+=("$t")
        echo "fuzz.sh: FAIL: target $t crashed or failed; its panic and last lines of its log:" >&2
        grep -A3 -m3 'panicked at' "$scratch/$t.log" >&2 || true
        tail -n 40 "$scratch/$t.log" >&2
        mkdir -p "$root/fuzz/artifacts/$t"
        for a in "$scratch/artifacts/$t"/*; do
            [ -e "$a" ] || continue
            cp "$a" "$root/fuzz/artifacts/$t/"
            echo "fuzz.sh: crash input kept as fuzz/artifacts/$t/$(basename "$a"):" >&2
            od -An -tx1 "$a" | head -n 20 >&2
            echo "fuzz.sh: reproduce with: cargo +nightly fuzz run $t fuzz/artifacts/$t/$(basename "$a")" >&2
        done
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz.sh: FAILED targets: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz.sh: all ${#targets[@]} targets ran (${seconds}s each, ${sample_seconds}s for $sample) without a crash"
