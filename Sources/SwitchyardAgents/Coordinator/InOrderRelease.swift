/// Releases numbered items in number order (0, 1, 2, ...), whatever order they are filed in,
/// through one releaser at a time.
///
/// The ``Coordinator`` decides windows concurrently, so a quick decision can finish before a
/// slower one for an earlier trigger; this holds it back until the earlier one is out. Keep
/// it in a lock; whoever files an item and gets a non-empty batch is the releaser until
/// ``continueReleasing()`` returns an empty one, so batches never interleave.
struct InOrderRelease<Element> {
    private var next: UInt64 = 0
    /// Filed items not released yet; `nil` for a number that has nothing to release.
    private var waiting: [UInt64: Element?] = [:]
    private var isReleasing = false

    /// Files item number `sequence` (`nil`: it has nothing to release, but later items need
    /// not wait for it). Returns the items now ready, in order, that the caller must release
    /// before calling ``continueReleasing()``; empty if none are ready or another caller is
    /// releasing (it releases these too).
    mutating func file(_ element: Element?, as sequence: UInt64) -> [Element] {
        waiting[sequence] = .some(element)
        guard !isReleasing else { return [] }
        return takeReady()
    }

    /// The releaser's next batch; empty once nothing more is ready, and the caller is then no
    /// longer the releaser.
    mutating func continueReleasing() -> [Element] {
        takeReady()
    }

    private mutating func takeReady() -> [Element] {
        var ready: [Element] = []
        while let element = waiting.removeValue(forKey: next) {
            next += 1
            if let element { ready.append(element) }
        }
        isReleasing = !ready.isEmpty
        return ready
    }
}
