#!/usr/bin/env bash
# Durable job queue burn-down on SQLite: Switchyard and litequeue (Python) side by side.
#
#   scripts/bench/jobs.sh [JOBS]          # default 20000; needs pip for the peer
#
# Swift:  Benchmarks/ jobs-burndown (release): JOBS no-op jobs, pools of 1, 4 and 16 handlers,
#         WAL with synchronous=FULL (every commit durable), default pool settings.
# Python: litequeue 0.9 on the same disk (litequeue_burndown.py), installed into a venv.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jobs="${1:-20000}"

echo "== Switchyard (Benchmarks/ jobs-burndown)"
(cd "$root/Benchmarks" && swift build -c release --product jobs-burndown >/dev/null && .build/release/jobs-burndown "$jobs" 1 4 16)

echo
venv="${TMPDIR:-/tmp}/switchyard-bench-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet litequeue==0.9
fi
echo "== litequeue (Python, SQLite WAL; one worker process)"
"$venv/bin/python" "$root/scripts/bench/litequeue_burndown.py" "$jobs"
