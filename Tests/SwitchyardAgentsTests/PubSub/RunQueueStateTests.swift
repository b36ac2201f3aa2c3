import Testing

@testable import SwitchyardAgents

/// The shared run queue's rules, driven synchronously: mailboxes are ints and parked runners
/// are strings, so no task or continuation is involved.
@Suite struct RunQueueStateTests {
    typealias State = RunQueueState<Int, String>

    func text(_ action: State.ParkAction) -> String {
        switch action {
        case .searchAgain: "search again"
        case .stop: "stop"
        case .parked: "parked"
        }
    }

    /// `runners` runners that searched, found nothing and parked.
    func parkedRunners(_ runners: [String]) -> State {
        var state = State()
        for runner in runners {
            state.startSearching()
            _ = state.park(runner)
        }
        return state
    }

    @Test func mailboxesAreTakenInTheOrderTheyWereScheduled() {
        var state = State()
        _ = state.schedule(1)
        _ = state.schedule(contentsOf: [2, 3])
        state.startSearching()
        let take = state.take(batch: 2)
        #expect(take?.first == 1)
        #expect(take?.extra == [2])
        #expect(Array(state.ready) == [3])
    }

    @Test func schedulingWakesTheLongestParkedRunnerWhenNobodySearches() {
        var state = parkedRunners(["a", "b"])
        #expect(state.searching == 0)
        #expect(state.schedule(1) == "a")
        #expect(state.searching == 1)
        #expect(Array(state.parked) == ["b"])
    }

    @Test func oneArrivalWakesOneRunnerNotTwo() {
        var state = parkedRunners(["a", "b"])
        #expect(state.schedule(1) == "a")
        // "a" counts as searching until it takes work, so a second arrival wakes nobody.
        #expect(state.schedule(2) == nil)
        #expect(state.schedule(contentsOf: [3, 4]) == nil)
    }

    @Test func noRunnerIsWokenWhileOneIsSearching() {
        var state = parkedRunners(["a"])
        state.startSearching()
        #expect(state.schedule(1) == nil)
        #expect(Array(state.parked) == ["a"])
    }

    @Test func takingABatchStopsSearchingAndWakesAParkedRunnerToShareTheExtras() {
        var state = parkedRunners(["a", "b"])
        // "a" is woken and takes the work; it leaves extras, so it wakes "b" to share them.
        #expect(state.schedule(contentsOf: [1, 2, 3]) == "a")
        #expect(state.searching == 1)
        let take = state.take(batch: 32)
        #expect(take?.first == 1)
        #expect(take?.extra == [2, 3])
        #expect(take?.wake == "b")
        #expect(state.searching == 1)
        #expect(state.ready.isEmpty)
    }

    @Test func takingASingleMailboxWakesNobody() {
        var state = parkedRunners(["a", "b"])
        _ = state.schedule(1)
        let take = state.take(batch: 32)
        #expect(take?.extra == [])
        #expect(take?.wake == nil)
        #expect(state.searching == 0)
        #expect(Array(state.parked) == ["b"])
    }

    @Test func aBatchIsCappedAndTheRestStaysShared() {
        var state = State()
        _ = state.schedule(contentsOf: Array(1...5))
        state.startSearching()
        let take = state.take(batch: 3)
        #expect(take?.first == 1)
        #expect(take?.extra == [2, 3])
        #expect(Array(state.ready) == [4, 5])
    }

    @Test func anEmptyQueueGivesNothingAndTheRunnerKeepsSearching() {
        var state = State()
        state.startSearching()
        #expect(state.take(batch: 32) == nil)
        #expect(state.searching == 1)
    }

    @Test func aRunnerDoesNotParkWhileWorkWaits() {
        var state = State()
        _ = state.schedule(1)
        state.startSearching()
        #expect(text(state.park("a")) == "search again")
        #expect(state.searching == 1)
        #expect(state.parked.isEmpty)
    }

    @Test func aRunnerParksWhenThereIsNothingToDo() {
        var state = State()
        state.startSearching()
        #expect(text(state.park("a")) == "parked")
        #expect(state.searching == 0)
        #expect(Array(state.parked) == ["a"])
    }

    @Test func stopReleasesEveryParkedRunnerAndLaterRunnersDoNotPark() {
        var state = parkedRunners(["a", "b"])
        #expect(Array(state.stop()) == ["a", "b"])
        #expect(state.parked.isEmpty)
        state.startSearching()
        #expect(text(state.park("c")) == "stop")
        #expect(state.parked.isEmpty)
        // Queued work is still handed out while stopping.
        _ = state.schedule(1)
        state.startSearching()
        #expect(text(state.park("c")) == "search again")
    }

    @Test func startAcceptsRunnersAgainAfterStop() {
        var state = State()
        // A runner was searching when the bus stopped and never parked: only start() can
        // clear its count.
        state.startSearching()
        _ = state.stop()
        state.start()
        #expect(state.searching == 0)
        state.startSearching()
        #expect(text(state.park("a")) == "parked")
        // Nobody counts as searching, so new work wakes the parked runner.
        #expect(state.schedule(1) == "a")
    }
}
