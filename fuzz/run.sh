#!/usr/bin/env bash
# Run meridian's fuzz targets for a while each and print a summary.
#
#   fuzz/run.sh [seconds-per-target, default 60] [target...]
#
# Builds the targets with `cargo +nightly fuzz build` (release, debug
# assertions on: cargo-fuzz's defaults), copies the committed seeds from
# fuzz/seeds/<target>/ into the scratch corpus fuzz/corpus/<target>/
# (gitignored; what libFuzzer finds accumulates there across runs, `rm -rf
# fuzz/corpus` starts afresh), runs each target in turn, and prints a table.
# Crashes land in fuzz/artifacts/<target>/ (also gitignored). Exits non-zero
# when a target crashed (or hit a timeout or out-of-memory) during this run.
# FUZZ_ARGS adds libFuzzer flags, e.g. FUZZ_ARGS="-fork=1 -ignore_crashes=1"
# to go on past a known crash.
set -euo pipefail

FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$FUZZ_DIR")
ALL_TARGETS=(price_json price_msgpack backfill health rest_bodies history config sanitize)

usage() {
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    echo "targets: ${ALL_TARGETS[*]}"
}

SECS=60
if [[ $# -gt 0 ]]; then
    case "$1" in
        -h | --help) usage; exit 0 ;;
        *[!0-9]*) ;; # not a number: a target name
        *) SECS=$1; shift ;;
    esac
fi
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
    if [[ ! -f "$FUZZ_DIR/fuzz_targets/$t.rs" ]]; then
        echo "unknown target: $t" >&2
        usage >&2
        exit 2
    fi
done

export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

cd "$ROOT"
echo "== building ${TARGETS[*]}"
for t in "${TARGETS[@]}"; do
    cargo +nightly fuzz build "$t"
done

dict_for() {
    case "$1" in
        price_json | price_msgpack | backfill | health | rest_bodies) echo "$FUZZ_DIR/dict/wire.dict" ;;
        config) echo "$FUZZ_DIR/dict/config.dict" ;;
        *) echo "" ;;
    esac
}

LOGS="$FUZZ_DIR/artifacts/logs"
mkdir -p "$LOGS"
STAMP=$(mktemp)
trap 'rm -f "$STAMP"' EXIT
declare -A EXECS RATE CORPUS CRASHES OTHER STATUS

stat_of() { # stat name, log file
    grep -a "^stat::$1:" "$2" | tail -n1 | awk '{print $2}'
}

for t in "${TARGETS[@]}"; do
    corpus="$FUZZ_DIR/corpus/$t"
    artifacts="$FUZZ_DIR/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    cp -p "$FUZZ_DIR/seeds/$t/"* "$corpus/"
    args=(-max_total_time="$SECS" -max_len=65536 -timeout=25 -print_final_stats=1)
    dict=$(dict_for "$t")
    [[ -z "$dict" ]] || args+=(-dict="$dict")
    # shellcheck disable=SC2206 # split on purpose: several flags
    [[ -z "${FUZZ_ARGS:-}" ]] || args+=($FUZZ_ARGS)
    log="$LOGS/$t.log"
    echo "== $t: ${SECS}s, corpus $(find "$corpus" -type f | wc -l) files${dict:+, dict $(basename "$dict")} (log: ${log#"$ROOT"/})"
    set +e
    cargo +nightly fuzz run "$t" "$corpus" -- "${args[@]}" >"$log" 2>&1
    rc=$?
    set -e
    EXECS[$t]=$(stat_of number_of_executed_units "$log")
    RATE[$t]=$(stat_of average_exec_per_sec "$log")
    CORPUS[$t]=$(find "$corpus" -type f | wc -l)
    CRASHES[$t]=$(find "$artifacts" -maxdepth 1 -type f -name 'crash-*' -newer "$STAMP" | wc -l)
    OTHER[$t]=$(find "$artifacts" -maxdepth 1 -type f \( -name 'oom-*' -o -name 'timeout-*' \) -newer "$STAMP" | wc -l)
    if [[ $rc -eq 0 ]]; then
        STATUS[$t]=ok
    else
        STATUS[$t]="FAILED (exit $rc)"
        # The panic and its message, or libFuzzer's own complaint.
        grep -a -m1 -A2 -E "panicked at|ERROR: libFuzzer" "$log" | sed 's/^/   /' || true
        grep -a -m1 -A2 "^Reproduce with:" "$log" | tail -n1 | sed -E "s/^[[:space:]]*/   replay: /" || true
    fi
    echo "   ${EXECS[$t]:-?} runs, ${RATE[$t]:-?} exec/s, ${STATUS[$t]}"
done

echo
echo "== summary: ${SECS}s per target, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-14s %12s %8s %8s %8s %10s  %s\n' target executions exec/s corpus crashes oom/timeout result
failed=0
for t in "${TARGETS[@]}"; do
    printf '%-14s %12s %8s %8s %8s %10s  %s\n' "$t" "${EXECS[$t]:--}" "${RATE[$t]:--}" \
        "${CORPUS[$t]}" "${CRASHES[$t]}" "${OTHER[$t]}" "${STATUS[$t]}"
    if [[ "${STATUS[$t]}" != ok || "${CRASHES[$t]}" -gt 0 || "${OTHER[$t]}" -gt 0 ]]; then
        failed=1
    fi
done
if [[ $failed -ne 0 ]]; then
    echo
    echo "crash inputs are in fuzz/artifacts/<target>/; replay one with"
    echo "  cargo +nightly fuzz run <target> fuzz/artifacts/<target>/crash-..."
    exit 1
fi
