#!/usr/bin/env bash
# The generated Multi-Agent app (issue 15): `switchyard new` + the Kitchen example's plan +
# `switchyard build` gives an app that compiles without warnings, that `switchyard check`
# passes apart from its placeholders, that a second build leaves alone, and that runs: its
# supervisor tree prints directives decided on the fallbacks (no model configured).
#
#   scripts/ci/generated-app-multi-agent.sh SWITCHYARD_BINARY SCRATCH_DIR
#
# SCRATCH_DIR/kitchen is made anew; its .build links to SCRATCH_DIR/.build-kitchen, kept between
# runs (the first build compiles Switchyard's dependencies again: ~6 minutes on two cores).
set -euo pipefail
switchyard=$(realpath "$1")
scratch=$(realpath -m "$2")
here=$(cd "$(dirname "$0")/../.." && pwd)
app="$scratch/kitchen"
fail() { echo "generated-app-multi-agent: $*" >&2; exit 1; }

export GIT_AUTHOR_NAME="Switchyard CI" GIT_AUTHOR_EMAIL="ci@switchyard.invalid"
export GIT_COMMITTER_NAME="Switchyard CI" GIT_COMMITTER_EMAIL="ci@switchyard.invalid"
rm -rf "$app"
mkdir -p "$scratch"
"$switchyard" new Kitchen --track Multi-Agent --path "$app" --switchyard-path "$here"

# The example's plan, with the app renamed (KitchenDemo is a target of Switchyard's own package).
mkdir -p "$app/docs/plans" "$app/docs/decisions"
sed 's/^app: KitchenDemo$/app: Kitchen/' "$here/Examples/Kitchen/docs/plans/kitchen-service.md" \
    > "$app/docs/plans/kitchen-service.md"
cp "$here/Examples/Kitchen/docs/decisions/kitchen-service.md" "$app/docs/decisions/"
git -C "$app" add docs
git -C "$app" commit -q -m "plan: kitchen-service"

"$switchyard" build kitchen-service --root "$app" </dev/null
head=$(git -C "$app" rev-parse HEAD)
"$switchyard" build kitchen-service --root "$app" </dev/null | grep -q "nothing to commit" \
    || fail "a second build changed something"
[ "$(git -C "$app" rev-parse HEAD)" = "$head" ] || fail "a second build committed"
"$switchyard" build --check --root "$app" </dev/null || fail "build --check reports drift"
[ "$(git -C "$app" branch --show-current)" = "feature/kitchen-service" ] || fail "not on feature/kitchen-service"

# The app's own .ci/run: builds (nothing of the app's own may warn), tests, `switchyard check`
# (clean apart from the placeholders it lists) and `switchyard build --check`.
mkdir -p "$scratch/.build-kitchen"
ln -s "$scratch/.build-kitchen" "$app/.build"
if ! (cd "$app" && SWITCHYARD="$switchyard" .ci/run) >"$scratch/kitchen-ci.log" 2>&1; then
    tail -60 "$scratch/kitchen-ci.log" >&2
    fail "the app's .ci/run failed (all of it: $scratch/kitchen-ci.log)"
fi
grep -v '^\[' "$scratch/kitchen-ci.log" | tail -30
if grep -E "^$app/Sources/.*warning:" "$scratch/kitchen-ci.log"; then fail "the generated code warns"; fi
grep -q "SY-CHECK-" "$scratch/kitchen-ci.log" || fail "check lists no placeholders"

# Runs: directives on the fallbacks.
(cd "$app" && .build/debug/kitchen --seconds 4 >"$scratch/kitchen-run.txt" 2>"$scratch/kitchen-run.log") \
    || { cat "$scratch/kitchen-run.log" >&2; fail "the app failed"; }
cat "$scratch/kitchen-run.txt"
grep -Eq '^kitchen-service directive [0-9]+  fallback  heard: ' "$scratch/kitchen-run.txt" \
    || fail "the app printed no directive decided on its fallbacks"
echo "generated-app-multi-agent: ok"
