import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardConfiguration
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct RateLimiterTests {
    let clock = MockClock()

    @Test func theLimitHoldsUntilTheBucketRefills() {
        let limiter = RateLimiter(RateLimit(3, per: .seconds(60)), clock: clock)
        for _ in 0..<3 { #expect(limiter.acquire("ada") == .allowed) }
        // One event refills every 60 / 3 = 20 s.
        #expect(limiter.acquire("ada") == .limited(retryAfter: .seconds(20)))
        clock.advance(by: .milliseconds(19_500))
        #expect(limiter.acquire("ada") == .limited(retryAfter: .milliseconds(500)))
        clock.advance(by: .milliseconds(500))
        #expect(limiter.acquire("ada") == .allowed)
        #expect(limiter.acquire("ada") == .limited(retryAfter: .seconds(20)))
        // A whole period refills the whole bucket, and no more.
        clock.advance(by: .seconds(600))
        for _ in 0..<3 { #expect(limiter.acquire("ada") == .allowed) }
        #expect(limiter.acquire("ada") != .allowed)
        // Other keys have their own buckets.
        #expect(limiter.acquire("grace") == .allowed)
    }

    @Test func releaseGivesAnEventBack() {
        let limiter = RateLimiter(RateLimit(2, per: .seconds(60)), clock: clock)
        #expect(limiter.acquire("ada") == .allowed)
        limiter.release("ada")
        #expect(limiter.trackedKeys == 0)
        #expect(limiter.acquire("ada") == .allowed)
        #expect(limiter.acquire("ada") == .allowed)
        limiter.release("ada")
        #expect(limiter.acquire("ada") == .allowed)
        #expect(limiter.acquire("ada") == .limited(retryAfter: .seconds(30)))
        limiter.release("nobody")
        #expect(limiter.trackedKeys == 1)
    }

    @Test func memoryStaysBoundedAndAFloodDoesNotFreeALimitedKey() {
        let limiter = RateLimiter(RateLimit(5, per: .seconds(900)), capacity: 64, clock: clock)
        for _ in 0..<5 { _ = limiter.acquire("victim@example.com") }
        #expect(limiter.acquire("victim@example.com") != .allowed)
        // Ten thousand distinct keys, one event each: the table never passes its capacity,
        // and the emptiest buckets go first, so the exhausted one stays.
        for n in 0..<10_000 {
            #expect(limiter.acquire("junk\(n)@example.com") == .allowed)
            #expect(limiter.trackedKeys <= 64)
        }
        #expect(limiter.acquire("victim@example.com") == .limited(retryAfter: .seconds(180)))
    }

    @Test func keysWhoseBucketsAreFullAgainAreDroppedFirst() {
        let limiter = RateLimiter(RateLimit(5, per: .seconds(900)), capacity: 4, clock: clock)
        for key in ["a", "b", "c", "d"] { #expect(limiter.acquire(key) == .allowed) }
        // Full again after 180 s: the same as keys never seen.
        clock.advance(by: .seconds(180))
        #expect(limiter.acquire("e") == .allowed)
        #expect(limiter.trackedKeys == 1)
    }

    @Test func theMiddlewareAnswers429WithRetryAfterPerClientAddress() async throws {
        let limiter = RateLimiter(RateLimit(2, per: .seconds(60)), clock: clock)
        let router = Router(context: PeerContext.self)
        router.add(middleware: RichErrorMiddleware())
        router.add(middleware: PeerFromHeader())
        let handled = HitCount()
        router.group("login").add(middleware: RateLimitMiddleware(perClientAddress: limiter)).post { _, _ in
            handled.add()
            return "ok"
        }
        @Sendable func login(from peer: String) -> HTTPFields { [.peer: peer] }
        try await Application(router: router).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/login", method: .post, headers: login(from: "192.0.2.1")) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/login", method: .post, headers: login(from: "192.0.2.1")) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "30")
                let error = try errorBody(response)
                #expect(error.code == "rate_limited")
                #expect(error.route == "/login")
                #expect(
                    error.details == [
                        "retry_after_seconds": "30", "scope": "address", "limit": "2", "period_seconds": "60",
                    ])
            }
            // Another address is not limited; a part of a second left still means 1 s.
            try await client.execute(uri: "/login", method: .post, headers: login(from: "198.51.100.7")) {
                #expect($0.status == .ok)
            }
            clock.advance(by: .milliseconds(29_200))
            try await client.execute(uri: "/login", method: .post, headers: login(from: "192.0.2.1")) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
            }
            clock.advance(by: .milliseconds(800))
            try await client.execute(uri: "/login", method: .post, headers: login(from: "192.0.2.1")) {
                #expect($0.status == .ok)
            }
        }
        // The refused requests never reached the handler.
        #expect(handled.value == 4)
    }

    @Test func addressKeysGroupIPv6ByItsSlash64() throws {
        func key(_ ip: String) throws -> String { clientAddressKey(try SocketAddress(ipAddress: ip, port: 443)) }
        #expect(try key("192.0.2.1") == "v4:192.0.2.1")
        #expect(try key("::ffff:192.0.2.1") == "v4:192.0.2.1")
        #expect(try key("2001:db8:1:2::1") == "v6:2001:db8:1:2::/64")
        #expect(try key("2001:db8:1:2:ffff:ffff:ffff:ffff") == "v6:2001:db8:1:2::/64")
        #expect(try key("2001:db8:1:3::1") == "v6:2001:db8:1:3::/64")
        #expect(clientAddressKey(nil) == "local")
    }
}
