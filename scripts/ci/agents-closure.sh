#!/usr/bin/env bash
# Proves that `import SwitchyardAgents` compiles no HTTP client, no TLS, no TOML parser and no
# test kit: builds the SwitchyardAgents target alone and fails if any module of
# async-http-client, swift-nio-ssl, TOMLKit or ServiceLifecycleTestKit was compiled for it.
#
#   scripts/ci/agents-closure.sh [SCRATCH_PATH]
#
# Default scratch path: .build while it holds no built module (a fresh clone, as in CI: the full
# build then goes on from there at no extra cost), else .build-closure, kept between runs. A
# module left there by an earlier package graph fails the check: delete .build-closure then.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -ge 1 ]; then
    scratch="$1"
elif [ -n "$(ls .build/debug/Modules 2>/dev/null)" ]; then
    scratch=.build-closure
else
    scratch=.build
fi

swift build --target SwitchyardAgents --scratch-path "$scratch"

modules="$scratch/debug/Modules"
[ -d "$modules" ] || { echo "agents-closure: no $modules after the build" >&2; exit 2; }
ls "$modules" | grep -q '^SwitchyardAgents\.swiftmodule' || {
    echo "agents-closure: SwitchyardAgents.swiftmodule missing from $modules" >&2
    exit 2
}

# Modules the agents must not pull in (NIOTLS, swift-nio's TLS layer, comes only with them). SwiftPM prepares a folder for every
# target of the graph, so "compiled" means a Swift module in Modules/ or an object file in the
# target's folder.
forbidden='^(AsyncHTTPClient|CAsyncHTTPClient|NIOSSL|NIOTLS|CNIOBoringSSL|CNIOBoringSSLShims|TOMLKit|CTOML|ServiceLifecycleTestKit)$'
found=$(
    {
        ls "$modules" | sed 's/\..*//'
        for dir in "$scratch"/debug/*.build; do
            if find "$dir" -name '*.o' -print -quit | grep -q .; then basename "$dir" .build; fi
        done
    } | sort -u | grep -E "$forbidden" || true
)
if [ -n "$found" ]; then
    echo "agents-closure: SwitchyardAgents' build compiled forbidden modules:" >&2
    echo "$found" | sed 's/^/  /' >&2
    exit 1
fi
echo "agents-closure: SwitchyardAgents builds with $(ls "$modules" | grep -c '\.swiftmodule$') Swift modules; none of AsyncHTTPClient, NIOSSL, TOMLKit, ServiceLifecycleTestKit"
