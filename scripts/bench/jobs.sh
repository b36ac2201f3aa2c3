#!/usr/bin/env bash
# Durable job queue burn-down on SQLite: Switchyard and litequeue (Python) side by side.
#
#   scripts/bench/jobs.sh [JOBS]          # default 20000; needs pip for the peer
#
# Swift:  Benchmarks/ jobs-burndown (release): JOBS no-op jobs, pools of 1, 4 and 16 handlers,
#         WAL with synchronous=FULL (every commit durable), default pool settings.
# Python: litequeue 0.9 on the same disk (litequeue_burndown.py), installed into a venv.
#
# BENCH_PACKAGE_DIR=<checkout> measures that checkout's release build (scripts/bench/compare.sh);
# BENCH_SKIP_BUILD=1 uses the binary already built there; BENCH_PEERS=0 skips litequeue.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pkg="$(cd "${BENCH_PACKAGE_DIR:-$root}" && pwd)"
jobs="${1:-20000}"

echo "== Switchyard (Benchmarks/ jobs-burndown)"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    (cd "$pkg/Benchmarks" && swift build -c release --product jobs-burndown >/dev/null)
fi
"$pkg/Benchmarks/.build/release/jobs-burndown" "$jobs" 1 4 16

echo
if [ "${BENCH_PEERS:-1}" = 0 ]; then
    echo "== litequeue skipped (BENCH_PEERS=0)"
    exit 0
fi
venv="${TMPDIR:-/tmp}/switchyard-bench-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet litequeue==0.9
fi
echo "== litequeue (Python, SQLite WAL; one worker process)"
"$venv/bin/python" "$root/scripts/bench/litequeue_burndown.py" "$jobs"
