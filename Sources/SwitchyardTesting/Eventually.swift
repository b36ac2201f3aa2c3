/// Yields to the scheduler until `condition` holds, up to `maxYields` times.
///
/// For waiting on another task's progress where no event exists to await. It never
/// sleeps: it only lets other tasks run. Returns whether the condition came to hold.
@discardableResult
public func eventually(maxYields: Int = 100_000, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<maxYields {
        if condition() { return true }
        await Task.yield()
    }
    return condition()
}

/// Yields to the scheduler until the asynchronous `condition` holds (such as a database
/// read), up to `maxYields` times. Never sleeps. Returns whether the condition came to hold.
@discardableResult
public func eventually(maxYields: Int = 200_000, _ condition: () async throws -> Bool) async rethrows -> Bool {
    for _ in 0..<maxYields {
        if try await condition() { return true }
        await Task.yield()
    }
    return try await condition()
}

extension AsyncSequence where Failure == Never {
    /// Every element, once the sequence ends.
    public func collected() async -> [Element] {
        var elements: [Element] = []
        for await element in self { elements.append(element) }
        return elements
    }

    /// The first `count` elements (fewer if the sequence ends first).
    public func first(_ count: Int) async -> [Element] {
        var elements: [Element] = []
        guard count > 0 else { return elements }
        for await element in self {
            elements.append(element)
            if elements.count == count { break }
        }
        return elements
    }
}
