#!/usr/bin/env bash
# The generated Pipeline app (issue 15): `switchyard new` + the Summaries example's plan +
# `switchyard build` gives an app that a second build leaves alone, that `build --check` finds
# clean, that compiles without warnings, passes its tests and `switchyard check` apart from the
# placeholders it lists, and that answers over HTTP: a sign-up (201), an enqueue (202 with a job
# id), that job's status, a feature outside the caller's plan (403), and a request past the
# plan's limit (429).
#
#   scripts/ci/generated-app-pipeline.sh SWITCHYARD_BINARY SCRATCH_DIR
#
# SCRATCH_DIR/summ is made anew, keeping its .build between runs (the first build compiles
# Switchyard's dependencies again: 7 to 12 minutes on two cores).
set -euo pipefail
switchyard=$(realpath "$1")
scratch=$(realpath -m "$2")
here=$(cd "$(dirname "$0")/../.." && pwd)
app="$scratch/summ"
run="$scratch/summ-run"
fail() { echo "generated-app-pipeline: $*" >&2; exit 1; }

export GIT_AUTHOR_NAME="Switchyard CI" GIT_AUTHOR_EMAIL="ci@switchyard.invalid"
export GIT_COMMITTER_NAME="Switchyard CI" GIT_COMMITTER_EMAIL="ci@switchyard.invalid"
# The app is made anew; its .build is kept between runs (same path, so the module cache holds).
mkdir -p "$scratch"
rm -rf "$scratch/.build-summ" "$run"
[ -d "$app/.build" ] && mv "$app/.build" "$scratch/.build-summ"
rm -rf "$app"
mkdir -p "$run"
"$switchyard" new Summ --track Pipeline --path "$app" --switchyard-path "$here"
[ -d "$scratch/.build-summ" ] && mv "$scratch/.build-summ" "$app/.build"

# The example's plan, with the app renamed (SummariesAPI is a target of Switchyard's own package).
mkdir -p "$app/docs/plans" "$app/docs/decisions"
sed 's/^app: SummariesAPI$/app: Summ/' "$here/Examples/Summaries/docs/plans/summaries.md" \
    > "$app/docs/plans/summaries.md"
grep -q '^app: Summ$' "$app/docs/plans/summaries.md" || fail "the plan's app was not renamed"
cp "$here/Examples/Summaries/docs/decisions/summaries.md" "$app/docs/decisions/"
git -C "$app" add docs
git -C "$app" commit -q -m "plan: summaries"

"$switchyard" build summaries --root "$app" </dev/null
head=$(git -C "$app" rev-parse HEAD)
"$switchyard" build summaries --root "$app" </dev/null | grep -q "nothing to commit" \
    || fail "a second build changed something"
[ "$(git -C "$app" rev-parse HEAD)" = "$head" ] || fail "a second build committed"
"$switchyard" build --check --root "$app" </dev/null || fail "build --check reports drift"
[ "$(git -C "$app" branch --show-current)" = "feature/summaries" ] || fail "not on feature/summaries"

# The app's own .ci/run: builds (nothing of the app's own may warn), tests, `switchyard check`
# (clean apart from the placeholders it lists) and `switchyard build --check`.
if ! (cd "$app" && SWITCHYARD="$switchyard" .ci/run) >"$scratch/summ-ci.log" 2>&1; then
    tail -60 "$scratch/summ-ci.log" >&2
    fail "the app's .ci/run failed (all of it: $scratch/summ-ci.log)"
fi
grep -v '^\[' "$scratch/summ-ci.log" | tail -12
if grep -E "^$app/Sources/.*(warning|error):" "$scratch/summ-ci.log"; then fail "the generated code warns"; fi
grep -q "SY-CHECK-015" "$scratch/summ-ci.log" || fail "check lists no placeholders"
binary="$app/.build/debug/summ"
[ -x "$binary" ] || fail "no executable at $binary"

# Runs on a free port, with its own database and a session secret from the environment.
port=""
for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || fail "no free port found"
sed -e "s/^port = 8080 /port = $port /" -e 's/^path = "summ.sqlite"/path = "summ-run.sqlite"/' \
    "$app/switchyard.toml" > "$run/switchyard.toml"
grep -q "^port = $port " "$run/switchyard.toml" || fail "could not set the port in the configuration"
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
(cd "$run" && SWITCHYARD_SESSION_SECRET="$secret" exec "$binary" --config switchyard.toml) \
    >"$run/app.out" 2>"$run/app.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"

up=""
for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { cat "$run/app.log" >&2; fail "the app exited before answering"; }
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health" || true)" = 200 ]; then up=1; break; fi
    sleep 0.1
done
[ -n "$up" ] || { cat "$run/app.log" >&2; fail "GET /health never answered 200"; }

# request METHOD PATH [BODY] [TOKEN]: sets $status and $body.
request() {
    local args=(-s -o "$run/body" -w '%{http_code}' -X "$1" "$base$2")
    [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data "$3")
    [ -n "${4:-}" ] && args+=(-H "Authorization: Bearer $4")
    status=$(curl "${args[@]}" || true)
    body=$(cat "$run/body")
}
expect() { # expect STATUS WHAT
    [ "$status" = "$1" ] || fail "$2: expected $1, got $status: $body"
    echo "ok  $status  $2"
}

request POST /auth/signup '{"email":"ada@example.com","password":"correct horse battery"}'
expect 201 "POST /auth/signup"
token=$(printf '%s' "$body" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "the sign-up answered no token: $body"

request POST /api/summaries '{"text":"One sentence. Another one."}' "$token"
expect 202 "POST /api/summaries (enqueue)"
job=$(printf '%s' "$body" | sed -n 's/.*"job_id":\([0-9][0-9]*\).*/\1/p')
[ -n "$job" ] || fail "the enqueue answered no job id: $body"

request GET "/api/summaries/$job" "" "$token"
expect 200 "GET /api/summaries/$job (status)"
printf '%s' "$body" | grep -Eq '"status":"(pending|processing|completed)"' \
    || fail "the status names no job status: $body"
printf '%s' "$body" | grep -q "\"job_id\":$job" || fail "the status is not job $job's: $body"

request POST /api/keywords '{"text":"apples and pears"}' "$token"
expect 403 "POST /api/keywords on the free plan"

# The free plan allows 20 a day, and one is used: 19 more are accepted, then 429.
count=1
for _ in $(seq 1 25); do
    request POST /api/summaries '{"text":"Counted against the plan."}' "$token"
    [ "$status" = 202 ] || break
    count=$((count + 1))
done
expect 429 "POST /api/summaries past the free plan's limit"
[ "$count" = 20 ] || fail "the limit was reached after $count enqueues, not the plan's 20"

kill "$pid"
wait "$pid" 2>/dev/null || true
trap - EXIT
echo "generated-app-pipeline: ok"
