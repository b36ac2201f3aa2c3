/// Which paths the builder may write, per track: the Backend Builder's file ownership translated to a
/// Swift package. The writer checks every planned path against it; a plan that would write
/// elsewhere is refused whole (`forbidden`). Apps add paths of their own to `never` with
/// `protect = [...]` under `[build]` in switchyard.toml.
public struct Ownership: Hashable, Sendable {
    /// Globs of the paths the builder owns (`*` within a path segment, `**` across them).
    public var owned: [String]
    /// Globs it never touches, whatever `owned` says.
    public var never: [String]

    public static func table(for track: Plan.Track, app: String, protect: [String] = []) -> Ownership {
        let common = [
            "Sources/\(app)/Application.swift", "Sources/\(app)/Features/**", "Sources/\(app)/Logic/**",
            "switchyard.toml", ".switchyard/**",
        ]
        let never = [
            "Tests/**", "Public/**", "public/**", "Assets/**", "assets/**", "Resources/**", "Sources/\(app)Web/**",
            "Sources/\(app)/Web/**", "Sources/\(app)/Views/**", "Sources/\(app)/Templates/**", "docs/**",
            "Package.swift",
        ]
        switch track {
        case .multiAgent:
            // Seed: agents, coordinator, *_state, ticker, content, application.ex, config/*.exs.
            return Ownership(
                owned: common + [
                    "Sources/\(app)/Agents/**", "Sources/\(app)/Coordinator/**", "Sources/\(app)/State/**",
                    "Sources/\(app)/Content/**",
                ],
                never: never + protect)
        case .pipeline:
            // Seed: middleware, thin proxies, workers, src/utils, wrangler.toml, *.sql.
            return Ownership(
                owned: common + [
                    "Sources/\(app)/Schema/**", "Sources/\(app)/Utilities/**", "Sources/\(app)/Workers/**",
                    "Sources/\(app)/Proxies/**", "Sources/\(app)/Middleware/**", "schema/**",
                ],
                never: never + protect)
        }
    }

    /// Whether the builder may write `path`.
    public func allows(_ path: String) -> Bool {
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            return false
        }
        return owned.contains { globMatches($0, path) } && !never.contains { globMatches($0, path) }
    }
}

/// `*` matches within one path segment, `**` any number of segments, `?` one character.
func globMatches(_ pattern: String, _ path: String) -> Bool {
    func match(_ pattern: Substring, _ path: Substring) -> Bool {
        if pattern.isEmpty { return path.isEmpty }
        if pattern.hasPrefix("**") {
            let rest = pattern.dropFirst(2).drop { $0 == "/" }
            if rest.isEmpty { return true }
            var candidate = path
            while true {
                if match(rest, candidate) { return true }
                guard let slash = candidate.firstIndex(of: "/") else { return false }
                candidate = candidate[candidate.index(after: slash)...]
            }
        }
        let head = pattern.first!
        if head == "*" {
            var candidate = path
            while true {
                if match(pattern.dropFirst(), candidate) { return true }
                guard let first = candidate.first, first != "/" else { return false }
                candidate = candidate.dropFirst()
            }
        }
        guard let first = path.first else { return false }
        if head == "?" ? first != "/" : head == first { return match(pattern.dropFirst(), path.dropFirst()) }
        return false
    }
    return match(Substring(pattern), Substring(path))
}
