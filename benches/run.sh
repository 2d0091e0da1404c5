#!/usr/bin/env bash
# All of the performance figures in one table (issue 7): the criterion
# micro-benchmarks, then the end-to-end run (ingest against its bare
# ceilings, tick-to-screen latency, terminal bytes, and the real binary's
# first frame, idle CPU and peak memory in tmux), then the console behind a
# slow link (issue 16: key-to-screen, age of the newest tick on screen,
# bytes/s at 8 and 32 KiB/s and without a limit).
#
#   benches/run.sh            # about 12 minutes on 2 cores
#   benches/run.sh --quick    # shorter windows, rougher figures
#
# Columns: figure, value, ceiling or budget, value/ceiling, the ratio the
# budget asks for (at least, for ceilings of rates; at most, for limits).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--quick" ]]; then
  export MERIDIAN_BENCH_QUICK=1
  crit=(--warm-up-time 1 --measurement-time 2)
else
  crit=()
fi
command -v tmux >/dev/null || { echo "benches/run.sh needs tmux" >&2; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "building and running the micro-benchmarks (cargo bench --bench core)..." >&2
cargo bench --bench core -- "${crit[@]}" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
echo "running the end-to-end figures (cargo bench --bench e2e)..." >&2
cargo bench --bench e2e 2>/dev/null | tee -a "$log" | grep '^ROW' >"$log.rows" || true
echo "running the slow-link figures (cargo bench --bench slowlink)..." >&2
cargo bench --bench slowlink 2>/dev/null | tee -a "$log" | grep '^ROW' >>"$log.rows" || true

echo
echo "Meridian performance, $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo
{
  printf 'figure\tvalue\tceiling/budget\tratio\tbudget ratio\n'
  cut -f2- "$log.rows"
} | column -t -s $'\t'
rm -f "$log.rows"
