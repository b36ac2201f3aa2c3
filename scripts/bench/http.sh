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
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
duration="${1:-10s}"
connections="${2:-64}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

(cd "$root/Benchmarks" && swift build -c release --product hello-server >/dev/null 2>&1 && swift build -c release --product pipeline-layers >/dev/null 2>&1)
(cd "$root" && swift build -c release --product summaries-api >/dev/null 2>&1)

work="$(mktemp -d)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

"$root/Benchmarks/.build/release/hello-server" 8081 >"$work/hello.log" 2>&1 &
pids+=($!)
flags=()
[ "${WORKERS:-1}" = "0" ] && flags+=(--no-workers)
SWITCHYARD_SESSION_SECRET="bench-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    "$root/.build/release/summaries-api" --config "$root/scripts/bench/http/switchyard.toml" \
    --database "$work/bench.sqlite" --log-level warning "${flags[@]}" >"$work/api.log" 2>&1 &
pids+=($!)
"$root/Benchmarks/.build/release/pipeline-layers" serve 8083 >"$work/layers.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:8081/hello
wait_for http://127.0.0.1:8082/health
for _ in $(seq 1 100); do [ -s "$work/layers.log" ] && break; sleep 0.1; done
LAYERS_TOKEN="$(head -1 "$work/layers.log")"

TOKEN="$(curl -fs -XPOST http://127.0.0.1:8082/auth/signup -d '{"email":"bench@example.com","password":"benchmark!"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
export TOKEN

run() { # name, url, extra wrk args...
    local name="$1" url="$2"; shift 2
    wrk -t2 -c"$connections" -d"$duration" --latency "$@" "$url" >"$work/$name.txt"
    local rps p50 p99 non2xx
    rps="$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")"
    p50="$(awk '$1 == "50%" {print $2}' "$work/$name.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$work/$name.txt")"
    non2xx="$(awk '/Non-2xx/ {print $5}' "$work/$name.txt")"
    printf '%-28s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}"
    echo "$rps" >"$work/$name.rps"
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
python3 - "$work" <<'PY'
import sys, pathlib
w = pathlib.Path(sys.argv[1])
names = ("hello", "hello-post", "api", "layers-no-write", "layers-empty-write")
rps = {name: float((w / f"{name}.rps").read_text()) for name in names}
print(f"ratio: full API path / bare Hummingbird = {rps['api'] / rps['hello']:.2f}")
print(f"ratio: full API path / bare Hummingbird decoding a POST body = {rps['api'] / rps['hello-post']:.2f}")
print(f"ceiling: layers, no write / bare Hummingbird = {rps['layers-no-write'] / rps['hello']:.2f}; "
      f"layers and an empty durable write / bare Hummingbird = {rps['layers-empty-write'] / rps['hello']:.2f}")
PY
jobs="$(curl -fs http://127.0.0.1:8082/metrics | awk '/^switchyard_jobs_completed_total/ {s += $2} END {print s + 0}')"
echo "jobs completed by the in-process workers during the run: $jobs"
