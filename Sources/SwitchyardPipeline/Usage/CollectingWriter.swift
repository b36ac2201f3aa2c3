import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Collects a response body into bytes (within one task).
struct CollectingWriter: ResponseBodyWriter {
    final class Bytes {
        var bytes: [UInt8] = []
    }

    let into: Bytes

    mutating func write(_ buffer: ByteBuffer) async throws {
        into.bytes.append(contentsOf: buffer.readableBytesView)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
