/// The name in `names` within two edits of `name`, if exactly one is closest: the "did you
/// mean" of a configuration error. Never applied, only suggested.
public func closestName(to name: String, in names: some Collection<String>) -> String? {
    let scored = names.map { ($0, editDistance(Array(name), Array($0))) }.filter { $0.1 <= 2 }
    guard let best = scored.map(\.1).min() else { return nil }
    let closest = Set(scored.filter { $0.1 == best }.map(\.0))
    return closest.count == 1 ? closest.first : nil
}

/// The Levenshtein distance between two strings: the "did you mean" measure.
public func editDistance(_ source: String, _ target: String) -> Int {
    editDistance(Array(source), Array(target))
}

/// Levenshtein distance.
private func editDistance(_ source: [Character], _ target: [Character]) -> Int {
    var previous = Array(0...target.count)
    for (row, sourceCharacter) in source.enumerated() {
        var current = [row + 1]
        for (column, targetCharacter) in target.enumerated() {
            let substitution = previous[column] + (sourceCharacter == targetCharacter ? 0 : 1)
            current.append(min(previous[column + 1] + 1, current[column] + 1, substitution))
        }
        previous = current
    }
    return previous[target.count]
}

/// Whether `name` can be the name of an environment variable holding a secret (upper-case
/// letters, digits and `_`, not starting with a digit): anything else in a setting such as
/// `api_key_env` may be the secret itself, pasted where its variable's name belongs, and is
/// refused without being repeated.
public func isEnvironmentVariableName(_ name: String) -> Bool {
    name.first.map { $0 == "_" || ("A"..."Z").contains($0) } == true
        && name.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
}
