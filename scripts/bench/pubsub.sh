#!/usr/bin/env bash
# PubSub fan-out and idle-agent memory, Switchyard and its BEAM peer, side by side in one run.
#
#   scripts/bench/pubsub.sh            # needs Elixir for the peer: apt-get install -y elixir
#
# Swift: the package-benchmark target in Benchmarks/ (release build, first run builds it), and
# Benchmarks/ idle-agents, one process per memory measurement.
# BEAM:  Elixir's Registry dispatch, Phoenix.PubSub's local path (beam_pubsub_fanout.exs).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

echo "== Switchyard (package-benchmark, Benchmarks/)"
(cd "$root/Benchmarks" && swift package benchmark --format markdown --no-progress 2>&1) \
    | grep -E '^### |Throughput' \
    | sed -E 's/\| +([A-Za-z][^|]*[^ ]) +\|/\1:/; s/ +\| +/ /g; s/ *\|$//'

# Idle agents: started, supervised children on a running bus; one measurement per process.
echo
echo "== Switchyard idle agents (Benchmarks/ idle-agents, 100,000 agents, 3 processes)"
(cd "$root/Benchmarks" && swift build -c release --product idle-agents >/dev/null)
for _ in 1 2 3; do "$root/Benchmarks/.build/release/idle-agents" 100000; done

echo
if command -v elixir >/dev/null 2>&1; then
    echo "== BEAM peer (Elixir Registry dispatch)"
    (cd "$root" && elixir scripts/bench/beam_pubsub_fanout.exs) | grep -v '^  '
else
    echo "== BEAM peer skipped: install Elixir first (apt-get install -y elixir)"
fi
