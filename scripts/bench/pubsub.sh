#!/usr/bin/env bash
# PubSub fan-out and idle-agent memory, Switchyard and its BEAM peer, side by side in one run.
#
#   scripts/bench/pubsub.sh            # needs Elixir for the peer: apt-get install -y elixir
#
# Swift: the package-benchmark target in Benchmarks/ (release build, first run builds it), and
# Benchmarks/ idle-agents, one process per memory measurement.
# BEAM:  Elixir's Registry dispatch, Phoenix.PubSub's local path (beam_pubsub_fanout.exs).
#
# BENCH_PACKAGE_DIR=<checkout> measures that checkout (scripts/bench/compare.sh); BENCH_SKIP_BUILD=1
# uses its idle-agents binary as built (package-benchmark always checks its own build, which
# is quick once built); BENCH_PEERS=0 skips the BEAM peer; IDLE_RUNS (default 3) sets the
# number of idle-agents processes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pkg="$(cd "${BENCH_PACKAGE_DIR:-$root}" && pwd)"
idle_runs="${IDLE_RUNS:-3}"

echo "== Switchyard (package-benchmark, Benchmarks/)"
(cd "$pkg/Benchmarks" && swift package benchmark --format markdown --no-progress 2>&1) \
    | grep -E '^### |Throughput' \
    | sed -E 's/\| +([A-Za-z][^|]*[^ ]) +\|/\1:/; s/ +\| +/ /g; s/ *\|$//'

# Idle agents: started, supervised children on a running bus; one measurement per process.
echo
echo "== Switchyard idle agents (Benchmarks/ idle-agents, 100,000 agents, $idle_runs processes)"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    (cd "$pkg/Benchmarks" && swift build -c release --product idle-agents >/dev/null)
fi
for _ in $(seq 1 "$idle_runs"); do "$pkg/Benchmarks/.build/release/idle-agents" 100000; done

echo
if [ "${BENCH_PEERS:-1}" = 0 ]; then
    echo "== BEAM peer skipped (BENCH_PEERS=0)"
elif command -v elixir >/dev/null 2>&1; then
    echo "== BEAM peer (Elixir Registry dispatch)"
    (cd "$root" && elixir scripts/bench/beam_pubsub_fanout.exs) | grep -v '^  '
else
    echo "== BEAM peer skipped: install Elixir first (apt-get install -y elixir)"
fi
