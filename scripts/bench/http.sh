#!/usr/bin/env bash
# HTTP throughput, side by side in one run: bare Hummingbird "hello" and the summaries API's
# full path — session check, subscription, usage limit, feature access, and the thin proxy's
# one durable transaction (the conditional count, the job, the ledger row naming it; the
# example charges by proxy) — on SQLite with synchronous=FULL.
#
#   scripts/bench/http.sh [DURATION] [CONNECTIONS]      # default 10s, 64 connections
#
# Release builds; wrk (apt-get install -y wrk) with 2 threads on the same machine. The API
# runs its worker pool in the same process (jobs are summarized while the load runs) unless
# WORKERS=0. Reports requests/s, p50 and p99 for each and the ratio.
#
# Two more lines bound what any such path can reach here (Benchmarks' `pipeline-layers serve`,
# the same layers on a router of its own): the layers with no durable write, and the layers
# with a group-committed write that runs no SQL.
#
# Each line also gives the CPU one request cost the server (all its threads) and wrk, and the
# run ends with the budget: the server CPU a request may cost for the API to serve half of
# hello's requests/s on these cores, with wrk taking its share.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
duration="${1:-10s}"
connections="${2:-64}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

(cd "$root/Benchmarks" && swift build -c release --product hello-server >/dev/null 2>&1 && swift build -c release --product pipeline-layers >/dev/null 2>&1)
(cd "$root" && swift build -c release --product summaries-api >/dev/null 2>&1)

work="$(mktemp -d)"
pids=()
declare -A pid_of  # server process per port
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

"$root/Benchmarks/.build/release/hello-server" 8081 >"$work/hello.log" 2>&1 &
pids+=($!); pid_of[8081]=$!
flags=()
[ "${WORKERS:-1}" = "0" ] && flags+=(--no-workers)
SWITCHYARD_SESSION_SECRET="bench-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    "$root/.build/release/summaries-api" --config "$root/scripts/bench/http/switchyard.toml" \
    --database "$work/bench.sqlite" --log-level warning "${flags[@]}" >"$work/api.log" 2>&1 &
pids+=($!); pid_of[8082]=$!
"$root/Benchmarks/.build/release/pipeline-layers" serve 8083 >"$work/layers.log" 2>&1 &
pids+=($!); pid_of[8083]=$!
wait_for http://127.0.0.1:8081/hello
wait_for http://127.0.0.1:8082/health
for _ in $(seq 1 100); do [ -s "$work/layers.log" ] && break; sleep 0.1; done
LAYERS_TOKEN="$(head -1 "$work/layers.log")"

TOKEN="$(curl -fs -XPOST http://127.0.0.1:8082/auth/signup -d '{"email":"bench@example.com","password":"benchmark!"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
export TOKEN

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
run() { # name, url, extra wrk args...
    local name="$1" url="$2"; shift 2
    local port="${url#http://127.0.0.1:}"; port="${port%%/*}"
    local before after
    before="$(cpu_ticks "${pid_of[$port]}")"
    # bash's `time` gives wrk's own CPU seconds (user, system).
    { TIMEFORMAT='%U %S'; time wrk -t2 -c"$connections" -d"$duration" --latency "$@" "$url" >"$work/$name.txt"; } 2>"$work/$name.wrk-cpu"
    after="$(cpu_ticks "${pid_of[$port]}")"
    local rps p50 p99 non2xx requests server_us wrk_us
    rps="$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")"
    p50="$(awk '$1 == "50%" {print $2}' "$work/$name.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$work/$name.txt")"
    non2xx="$(awk '/Non-2xx/ {print $5}' "$work/$name.txt")"
    requests="$(awk '/requests in/ {print $1}' "$work/$name.txt")"
    server_us="$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}')"
    wrk_us="$(awk -v n="$requests" '{printf "%.0f", ($1 + $2) * 1e6 / n}' "$work/$name.wrk-cpu")"
    printf '%-20s %10s req/s   p50 %8s   p99 %8s   CPU/request: server %4s µs, wrk %3s µs   non-2xx %s\n' \
        "$name" "$rps" "$p50" "$p99" "$server_us" "$wrk_us" "${non2xx:-0}"
    printf '%s %s %s\n' "$rps" "$server_us" "$wrk_us" >"$work/$name.figures"
}

echo "wrk -t2 -c$connections -d$duration, $(nproc) cores; hello = GET /hello (bare Hummingbird),"
echo "hello-post = POST /echo (bare Hummingbird decoding the same JSON body), api = POST /api/summaries,"
echo "layers-no-write / layers-empty-write = the same layers with no durable write / a write of no SQL"
run hello "http://127.0.0.1:8081/hello"
run hello-post "http://127.0.0.1:8081/echo" -s "$root/scripts/bench/http/post-summary.lua"
# Before the API: its in-process workers then burn the API run's backlog, taking CPU.
TOKEN="$LAYERS_TOKEN" run layers-no-write "http://127.0.0.1:8083/api/echo" -s "$root/scripts/bench/http/post-summary.lua"
TOKEN="$LAYERS_TOKEN" run layers-empty-write "http://127.0.0.1:8083/api/empty-write" -s "$root/scripts/bench/http/post-summary.lua"
run api "http://127.0.0.1:8082/api/summaries" -s "$root/scripts/bench/http/post-summary.lua"
python3 - "$work" "$(nproc)" "${WORKERS:-1}" <<'PY'
import sys, pathlib
w, cores, workers = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] != "0"
names = ("hello", "hello-post", "api", "layers-no-write", "layers-empty-write")
rps, server, wrk = {}, {}, {}
for name in names:
    rps[name], server[name], wrk[name] = map(float, (w / f"{name}.figures").read_text().split())
print(f"ratio: full API path / bare Hummingbird = {rps['api'] / rps['hello']:.2f}")
print(f"ratio: full API path / bare Hummingbird decoding a POST body = {rps['api'] / rps['hello-post']:.2f}")
print(f"ceiling: layers, no write / bare Hummingbird = {rps['layers-no-write'] / rps['hello']:.2f}; "
      f"layers and an empty durable write / bare Hummingbird = {rps['layers-empty-write'] / rps['hello']:.2f}")
# At half of hello's rate, the cores give each request at most cores / rate seconds, of which
# wrk takes its own (its CPU per request in the line whose rate was nearest).
target = rps["hello"] / 2
nearest = min(names, key=lambda name: abs(rps[name] - target))
budget = cores * 1e6 / target - wrk[nearest]
print(f"budget: serving {target:.0f} req/s (half of hello) leaves the server at most {budget:.0f} µs of CPU per request; "
      f"it spent {server['layers-empty-write']:.0f} on the layers and an empty durable write, {server['api']:.0f} on the full API path"
      + (" (and its in-process workers' summarizing: WORKERS=0 leaves them out)" if workers else ""))
PY
jobs="$(curl -fs http://127.0.0.1:8082/metrics | awk '/^switchyard_jobs_completed_total/ {s += $2} END {print s + 0}')"
echo "jobs completed by the in-process workers during the run: $jobs"
