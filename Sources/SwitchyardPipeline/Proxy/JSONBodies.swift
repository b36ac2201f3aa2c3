import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The JSON every Pipeline response uses: snake_case keys (`jobID` is `job_id`), sorted,
/// unescaped slashes, ISO 8601 dates. The request contexts hand it out as their
/// `responseEncoder`.
public func pipelineJSONEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
}

/// The JSON every Pipeline request body is read as: snake_case keys, ISO 8601 dates. The
/// request contexts hand it out as their `requestDecoder`.
public func pipelineJSONDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
}

/// The response encoder of the Pipeline's contexts: a handler returns a `ResponseEncodable`
/// value and gets ``pipelineJSONEncoder()``'s JSON with `Content-Type: application/json`.
public struct PipelineJSONResponseEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response
    {
        try jsonResponse(value)
    }
}

/// The request decoder of the Pipeline's contexts: ``pipelineJSONDecoder()``'s JSON, for
/// ``decodeJSONBody(_:from:context:)`` and Hummingbird's `request.decode(as:context:)` alike.
public struct PipelineJSONRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext)
        async throws -> T
    {
        try decode(type, from: try await request.body.collect(upTo: context.maxUploadSize))
    }

    /// `body` decoded as `T`. Foundation converts every key from snake_case, at about a tenth
    /// of an enqueue's CPU; a body with no "_" anywhere (nor a backslash, which could escape
    /// one) has no key it would change, so it decodes the same without.
    public func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        let mayConvert = body.readableBytesView.contains { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "\\") }
        let decoder = mayConvert ? sharedJSONDecoder : sharedJSONDecoderWithoutKeyConversion
        return try decoder.decode(T.self, from: Data(body.readableBytesView))
    }
}

/// One encoder and one decoder for every request: coding does not change them, so they are
/// shared (a coder made per request costs more than the coding of a small body).
let sharedJSONEncoder = pipelineJSONEncoder()
let sharedJSONDecoder = pipelineJSONDecoder()
/// ``sharedJSONDecoder`` without the key conversion, for bodies where it changes nothing.
let sharedJSONDecoderWithoutKeyConversion: JSONDecoder = {
    let decoder = pipelineJSONDecoder()
    decoder.keyDecodingStrategy = .useDefaultKeys
    return decoder
}()

/// A JSON response of `value`, encoded with ``pipelineJSONEncoder()``.
public func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws
    -> Response
{
    var headers = headers
    headers[.contentType] = "application/json"
    return Response(
        status: status, headers: headers,
        body: .init(byteBuffer: ByteBuffer(bytes: try sharedJSONEncoder.encode(value))))
}

/// The request body decoded as `T`; a body that does not decode is a 400 naming the field
/// (``APIError/invalidBody(_:file:line:)``).
public func decodeJSONBody<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext)
    async throws -> T
{
    try await readJSONBody(type, from: request, context: context).value
}

/// The decoded body and the JSON text it came as.
func readJSONBody<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws
    -> (value: T, json: ByteBuffer)
{
    let body = try await request.body.collect(upTo: context.maxUploadSize)
    do {
        if let decoder = context.requestDecoder as? JSONDecoder {
            return (try decoder.decode(T.self, from: Data(body.readableBytesView)), body)
        }
        return (try PipelineJSONRequestDecoder().decode(T.self, from: body), body)
    } catch {
        throw APIError.invalidBody(error)
    }
}
