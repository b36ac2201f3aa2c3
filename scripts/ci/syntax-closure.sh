#!/usr/bin/env bash
# Proves that swift-syntax is a dependency of the builder and the CLI only (issue 15): no
# runtime module depends on it, directly or through another target (SwitchyardBuilder
# included). Reads the package graph from `swift package dump-package`.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift package dump-package | python3 -c '
import json, sys
package = json.load(sys.stdin)
targets = {t["name"]: t for t in package["targets"]}
allowed = {"SwitchyardBuilder", "switchyard"}
def deps(target):
    for dep in target.get("dependencies", []):
        kind, value = next(iter(dep.items()))
        yield (value[1] if kind == "product" else None), value[0]
def reaches_syntax(name, seen=()):
    for package_name, dep in deps(targets[name]):
        if package_name == "swift-syntax":
            return [name, dep]
        if dep in targets and dep not in seen:
            path = reaches_syntax(dep, seen + (name,))
            if path: return [name] + path
    return None
bad = []
for name, target in sorted(targets.items()):
    if target["type"] == "test" or name in allowed: continue
    path = reaches_syntax(name)
    if path: bad.append(" -> ".join(path))
if bad:
    print("syntax-closure: runtime targets depend on swift-syntax:", *bad, sep="\n  ", file=sys.stderr)
    sys.exit(1)
runtime = [n for n, t in targets.items() if t["type"] != "test" and n not in allowed]
print("syntax-closure: none of the %d other targets depends on swift-syntax (only %s do)" % (len(runtime), " and ".join(sorted(allowed))))
'
