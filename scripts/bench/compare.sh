#!/usr/bin/env bash
# A/B benchmarks of two commits, side by side on this machine: http.sh, jobs.sh and pubsub.sh
# run against release builds of BASE and HEAD, interleaved, and the medians and HEAD/BASE
# ratios are printed per figure.
#
#   scripts/bench/compare.sh BASE [HEAD]     # HEAD defaults to this checkout's HEAD commit
#
# Each side is a git worktree in .bench/<commit> (gitignored) built in release mode there; the
# worktrees are kept, so a second comparison reuses their builds (swift build is incremental).
# The measuring scripts are this checkout's, run with BENCH_PACKAGE_DIR pointing at each side.
#
# Environment:
#   ROUNDS=3                      rounds; each round runs every benchmark on both sides, the
#                                 order alternating (BASE first in odd rounds, HEAD first in even)
#   BENCHES="http jobs pubsub"    which benchmarks
#   BASE_DIR=, HEAD_DIR=          use these checkouts (already built or not) instead of worktrees
#   BENCH_SKIP_BUILD=1            do not run swift build (the builds must be there)
#   BENCH_PEERS=0                 peers (Go, litequeue, BEAM) are skipped here unless set to 1;
#                                 GO_PEER=1 adds only the Go peer (and http.sh's api-no-workers)
#   HTTP_ARGS="10s 64"            http.sh's DURATION and CONNECTIONS; WORKERS is passed through
#   JOBS=20000                    jobs.sh's JOBS
#   IDLE_RUNS=1                   idle-agents processes per pubsub.sh run
#   OUT=.bench/results/<time>     where each run's output is kept
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -ge 1 ] || { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
rounds="${ROUNDS:-3}"
benches="${BENCHES:-http jobs pubsub}"
for bench in $benches; do
    case "$bench" in http | jobs | pubsub) ;; *) echo "unknown benchmark '$bench' (http, jobs, pubsub)" >&2; exit 2 ;; esac
done
base_commit="$(git -C "$root" rev-parse --short=12 "$1^{commit}")"
head_commit="$(git -C "$root" rev-parse --short=12 "${2:-HEAD}^{commit}")"

checkout() { # commit, given dir -> prints the dir, adding the worktree when needed
    local commit="$1" dir="$2"
    if [ -n "$dir" ]; then
        (cd "$dir" && pwd)
        return
    fi
    dir="$root/.bench/$commit"
    if [ ! -e "$dir/Package.swift" ]; then
        mkdir -p "$root/.bench"
        git -C "$root" worktree add --detach "$dir" "$commit" >&2
    fi
    echo "$dir"
}
base_dir="$(checkout "$base_commit" "${BASE_DIR:-}")"
head_dir="$(checkout "$head_commit" "${HEAD_DIR:-}")"
echo "BASE $base_commit: $base_dir"
echo "HEAD $head_commit: $head_dir"

# Both sides link the same dependency versions: HEAD takes BASE's resolution when it has none.
for sub in . Benchmarks; do
    if [ -f "$base_dir/$sub/Package.resolved" ] && [ ! -f "$head_dir/$sub/Package.resolved" ]; then
        cp "$base_dir/$sub/Package.resolved" "$head_dir/$sub/Package.resolved"
    fi
done

build() { # dir
    local dir="$1" started=$SECONDS
    # All of Benchmarks/ (hello-server, pipeline-layers, jobs-burndown, idle-agents, the
    # package-benchmark target), and summaries-api from there too: one build of the shared
    # modules instead of two.
    (cd "$dir/Benchmarks" && swift build -c release)
    case " $benches " in *" http "*) (cd "$dir/Benchmarks" && swift build -c release --product summaries-api) ;; esac
    # package-benchmark's plugin builds its own tools on first use (minutes): before, not in a round.
    case " $benches " in *" pubsub "*) (cd "$dir/Benchmarks" && swift package benchmark list) ;; esac
    echo "built $dir in $((SECONDS - started)) s"
}
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    for dir in "$base_dir" "$head_dir"; do
        build "$dir" >"${TMPDIR:-/tmp}/switchyard-compare-build.log" 2>&1 \
            || { tail -30 "${TMPDIR:-/tmp}/switchyard-compare-build.log" >&2; echo "release build failed in $dir" >&2; exit 1; }
        tail -1 "${TMPDIR:-/tmp}/switchyard-compare-build.log"
    done
fi

out="${OUT:-$root/.bench/results/$(date -u +%Y%m%dT%H%M%SZ)-$base_commit-$head_commit}"
mkdir -p "$out"
echo "outputs: $out"
read -r -a http_args <<<"${HTTP_ARGS:-10s 64}"
measure() { # bench, side, dir, round
    local bench="$1" side="$2" dir="$3" round="$4" args=()
    case "$bench" in
        http) args=("${http_args[@]}") ;;
        jobs) args=("${JOBS:-20000}") ;;
    esac
    echo "round $round: $bench on $side ($(date -u +%H:%M:%S))"
    SUMMARIES_API="$dir/Benchmarks/.build/release/summaries-api" BENCH_PACKAGE_DIR="$dir" BENCH_SKIP_BUILD=1 BENCH_PEERS="${BENCH_PEERS:-0}" IDLE_RUNS="${IDLE_RUNS:-1}" \
        "$root/scripts/bench/$bench.sh" "${args[@]}" >"$out/$bench-$side-$round.txt" 2>&1 \
        || { tail -20 "$out/$bench-$side-$round.txt" >&2; echo "$bench.sh failed on $side" >&2; exit 1; }
}
for round in $(seq 1 "$rounds"); do
    for bench in $benches; do
        if [ $((round % 2)) = 1 ]; then
            measure "$bench" base "$base_dir" "$round"; measure "$bench" head "$head_dir" "$round"
        else
            measure "$bench" head "$head_dir" "$round"; measure "$bench" base "$base_dir" "$round"
        fi
    done
done

python3 - "$out" "$rounds" "$base_commit" "$head_commit" $benches <<'PY'
import re, statistics, sys, pathlib
out, rounds, base, head, benches = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]

def figures(bench, text):
    """(name, value, higher_is_better) for each figure in one run's output."""
    found = []
    if bench == "http":
        for m in re.finditer(r"^(\S+)\s+([\d.]+) req/s .*CPU/request: server\s+(\d+) µs", text, re.M):
            found.append((f"{m[1]} req/s", float(m[2]), True))
            found.append((f"{m[1]} server CPU µs/request", float(m[3]), False))
        if m := re.search(r"^ratio: API / Go peer = ([\d.]+)", text, re.M):
            found.append(("ratio API --no-workers / Go peer", float(m[1]), True))
    elif bench == "jobs":
        for m in re.finditer(r"^handlers (\d+): .*= (\d+) jobs/s burn-down; enqueue (\d+) jobs/s one caller, (\d+) jobs/s 64", text, re.M):
            found.append((f"handlers {m[1]}: burn-down jobs/s", float(m[2]), True))
            found.append((f"handlers {m[1]}: enqueue, one caller, jobs/s", float(m[3]), True))
            found.append((f"handlers {m[1]}: enqueue, 64 callers, jobs/s", float(m[4]), True))
    elif bench == "pubsub":
        heading = None
        for line in text.splitlines():
            if line.startswith("### "):
                heading = re.sub(r" metrics$", "", line[4:].strip())
            elif line.startswith("Throughput") and heading:
                unit, _, numbers = line.partition(":")
                values = [float(v) for v in re.findall(r"[\d.]+", numbers)]
                if len(values) >= 3:  # p0 p25 p50 ...: the run's median
                    found.append((f"{heading}, {unit.strip()} p50", values[2], True))
            elif m := re.match(r"idle agents: .*: (\d+) bytes each", line):
                found.append(("idle agent, bytes each", float(m[1]), False))
    return found

print()
print(f"A/B: BASE {base} vs HEAD {head}, {rounds} rounds interleaved; median of the rounds per side;")
print("spread = (max - min) / median across the rounds of one side (the noise). HEAD/BASE above 1 is better for")
print("rates (req/s, jobs/s, throughput), below 1 for costs (server CPU µs per request, bytes per idle agent)")
for bench in benches:
    values = {}  # name -> side -> [values]
    order = []
    for side in ("base", "head"):
        for r in range(1, rounds + 1):
            path = out / f"{bench}-{side}-{r}.txt"
            if not path.exists():
                continue
            for name, value, higher in figures(bench, path.read_text()):
                if name not in values:
                    order.append(name)
                    values[name] = {"base": [], "head": []}
                values[name][side].append(value)
    print(f"\n== {bench}")
    if not order:
        print("  no figures found: see the outputs")
        continue
    width = max(len(name) for name in order)
    print(f"  {'figure':<{width}}  {'BASE':>12} {'HEAD':>12}  {'HEAD/BASE':>9}  {'spread B':>8} {'spread H':>8}  rounds")
    for name in order:
        b, h = values[name]["base"], values[name]["head"]
        if not b or not h:
            continue
        mb, mh = statistics.median(b), statistics.median(h)
        spread = lambda xs, m: (max(xs) - min(xs)) / m * 100 if m else 0
        ratio = mh / mb if mb else float("nan")
        fmt = lambda x: f"{x:>12.1f}" if abs(x) >= 100 else f"{x:>12.3f}"
        print(f"  {name:<{width}}  {fmt(mb)} {fmt(mh)}  {ratio:>9.3f}  {spread(b, mb):>7.1f}% {spread(h, mh):>7.1f}%  "
              f"B {' '.join(f'{x:g}' for x in b)} | H {' '.join(f'{x:g}' for x in h)}")
PY
