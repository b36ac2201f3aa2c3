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
#
# The Go peer (../shared/bench-peers/go-summaries: net/http + mattn/go-sqlite3, the same work,
# group commit) runs in the same run under the same load, built from its source into a temp
# folder (GOPATH mode, Debian's packages: apt-get install -y golang-go libsqlite3-dev
# golang-github-mattn-go-sqlite3-dev). It does no job work, so its ratio is taken against the
# API with --no-workers: with WORKERS=0 that is the api line itself, otherwise an extra
# api-no-workers line (a second summaries-api, port 8084) runs before the api line. Without Go
# the script says so and skips the peer; GO_PEER=0 (or BENCH_PEERS=0) skips it on purpose,
# GO_PEER_DIR moves it.
#
# BENCH_PACKAGE_DIR=<checkout> measures that checkout's release builds (scripts/bench/
# compare.sh); BENCH_SKIP_BUILD=1 uses the binaries already built there; SUMMARIES_API=<binary>
# runs that summaries-api instead of <checkout>/.build/release/summaries-api (compare.sh builds
# it in Benchmarks/, with everything else, to build the shared modules once).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pkg="$(cd "${BENCH_PACKAGE_DIR:-$root}" && pwd)"
duration="${1:-10s}"
connections="${2:-64}"
workers="${WORKERS:-1}"
api_binary="${SUMMARIES_API:-$pkg/.build/release/summaries-api}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    (cd "$pkg/Benchmarks" && swift build -c release --product hello-server >/dev/null 2>&1 && swift build -c release --product pipeline-layers >/dev/null 2>&1)
    [ -n "${SUMMARIES_API:-}" ] || (cd "$pkg" && swift build -c release --product summaries-api >/dev/null 2>&1)
fi
for binary in "$pkg/Benchmarks/.build/release/hello-server" "$pkg/Benchmarks/.build/release/pipeline-layers" "$api_binary"; do
    [ -x "$binary" ] || { echo "missing release build: $binary" >&2; exit 1; }
done

work="$(mktemp -d)"
pids=()
declare -A pid_of  # server process per port
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
secret() { echo "bench-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
signup() { curl -fs -XPOST "http://127.0.0.1:$1/auth/signup" -d '{"email":"bench@example.com","password":"benchmark!"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
api() { # port, name (database and log), extra flags...
    local port="$1" name="$2"; shift 2
    SWITCHYARD_SESSION_SECRET="$(secret)" \
        "$api_binary" --config "$root/scripts/bench/http/switchyard.toml" --port "$port" \
        --database "$work/$name.sqlite" --log-level warning "$@" >"$work/$name.log" 2>&1 &
    pids+=($!); pid_of[$port]=$!
}

"$pkg/Benchmarks/.build/release/hello-server" 8081 >"$work/hello.log" 2>&1 &
pids+=($!); pid_of[8081]=$!
if [ "$workers" = 0 ]; then api 8082 api --no-workers; else api 8082 api; fi
"$pkg/Benchmarks/.build/release/pipeline-layers" serve 8083 >"$work/layers.log" 2>&1 &
pids+=($!); pid_of[8083]=$!
wait_for http://127.0.0.1:8081/hello
wait_for http://127.0.0.1:8082/health
for _ in $(seq 1 100); do [ -s "$work/layers.log" ] && break; sleep 0.1; done
LAYERS_TOKEN="$(head -1 "$work/layers.log")"

TOKEN="$(signup 8082)"
export TOKEN

# The Go peer, built from its source into $work and started on 8085 in -mode group. It queues
# the job but never runs it, so its Swift partner is the API with --no-workers.
go_peer="" go_skip=""
peer_dir="${GO_PEER_DIR:-$root/../shared/bench-peers/go-summaries}"
if [ "${GO_PEER:-${BENCH_PEERS:-1}}" = 0 ]; then
    go_skip="GO_PEER=0 or BENCH_PEERS=0"
elif [ ! -f "$peer_dir/main.go" ]; then
    go_skip="no peer source at $peer_dir (set GO_PEER_DIR)"
elif ! command -v go >/dev/null 2>&1; then
    go_skip="Go is not installed (apt-get install -y golang-go libsqlite3-dev golang-github-mattn-go-sqlite3-dev)"
else
    mkdir -p "$work/go-peer"
    cp "$peer_dir"/*.go "$work/go-peer/"
    if (cd "$work/go-peer" && GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" go build -o "$work/peer-go" .) >"$work/go-build.log" 2>&1; then
        SESSION_SECRET="$(secret)" "$work/peer-go" -port 8085 -db "$work/peer-go.sqlite" -mode group >"$work/go.log" 2>&1 &
        pids+=($!); pid_of[8085]=$!; go_peer=$!
        wait_for http://127.0.0.1:8085/health
        GO_TOKEN="$(signup 8085)"
    else
        go_skip="the peer did not build (it needs golang-github-mattn-go-sqlite3-dev and libsqlite3-dev): $(tail -3 "$work/go-build.log" | tr '\n' ' ')"
    fi
fi
if [ -n "$go_peer" ] && [ "$workers" != 0 ]; then
    api 8084 api-no-workers --no-workers
    wait_for http://127.0.0.1:8084/health
    NO_WORKERS_TOKEN="$(signup 8084)"
fi

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
if [ "$workers" = 0 ]; then
    echo "api mode: summaries-api --no-workers (WORKERS=0)"
else
    echo "api mode: summaries-api with its in-process workers (WORKERS=0 for --no-workers)"
fi
if [ -n "$go_peer" ]; then
    echo "go-group = the Go peer (net/http + mattn/go-sqlite3, -mode group), the same POST /api/summaries;"
    echo "  compared with summaries-api --no-workers (the peer runs no jobs either)$([ "$workers" != 0 ] && echo ': the api-no-workers line')"
else
    echo "go-group skipped: $go_skip"
fi
run hello "http://127.0.0.1:8081/hello"
run hello-post "http://127.0.0.1:8081/echo" -s "$root/scripts/bench/http/post-summary.lua"
# Before the API: its in-process workers then burn the API run's backlog, taking CPU.
TOKEN="$LAYERS_TOKEN" run layers-no-write "http://127.0.0.1:8083/api/echo" -s "$root/scripts/bench/http/post-summary.lua"
TOKEN="$LAYERS_TOKEN" run layers-empty-write "http://127.0.0.1:8083/api/empty-write" -s "$root/scripts/bench/http/post-summary.lua"
if [ -n "$go_peer" ]; then
    if [ "$workers" != 0 ]; then
        TOKEN="$NO_WORKERS_TOKEN" run api-no-workers "http://127.0.0.1:8084/api/summaries" -s "$root/scripts/bench/http/post-summary.lua"
    fi
    TOKEN="$GO_TOKEN" run go-group "http://127.0.0.1:8085/api/summaries" -s "$root/scripts/bench/http/post-summary.lua"
    # On SIGTERM the peer logs how many requests a commit grouped.
    kill "$go_peer" 2>/dev/null || true
    wait "$go_peer" 2>/dev/null || true
    sed -n 's/^.*group commit: /  go-group commit: /p' "$work/go.log"
fi
run api "http://127.0.0.1:8082/api/summaries" -s "$root/scripts/bench/http/post-summary.lua"
python3 - "$work" "$(nproc)" "$workers" <<'PY'
import sys, pathlib
w, cores, workers = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] != "0"
names = ("hello", "hello-post", "api", "layers-no-write", "layers-empty-write")
rps, server, wrk = {}, {}, {}
for name in names + ("api-no-workers", "go-group"):
    if (w / f"{name}.figures").exists():
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
if "go-group" in rps:
    partner = "api-no-workers" if workers else "api"
    print(f"ratio: API / Go peer = {rps[partner] / rps['go-group']:.2f} "
          f"(summaries-api --no-workers, the {partner} line, / Go -mode group; "
          f"server CPU per request {server[partner]:.0f} µs / {server['go-group']:.0f} µs)")
else:
    print("ratio: API / Go peer = skipped (no Go peer in this run)")
PY
jobs="$(curl -fs http://127.0.0.1:8082/metrics | awk '/^switchyard_jobs_completed_total/ {s += $2} END {print s + 0}')"
echo "jobs completed by the in-process workers during the run: $jobs"
