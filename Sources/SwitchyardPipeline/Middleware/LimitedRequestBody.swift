import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

/// A request body that stops with ``APIError/payloadTooLarge(limit:file:line:)`` past `limit` bytes
/// (whoever reads it, with whatever `collect(upTo:)`), and whose read failures (the
/// connection closed or broke before the body was complete) surface as
/// ``APIError/clientClosedRequest(file:line:)``.
struct LimitedRequestBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var read = 0

        mutating func next() async throws -> ByteBuffer? {
            let chunk: ByteBuffer?
            do {
                chunk = try await base.next()
            } catch let error as CancellationError {
                throw error
            } catch {
                throw APIError.clientClosedRequest()
            }
            read += chunk?.readableBytes ?? 0
            if read > limit { throw APIError.payloadTooLarge(limit: limit) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), limit: limit) }
}
