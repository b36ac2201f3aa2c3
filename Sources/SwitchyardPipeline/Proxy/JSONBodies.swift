import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The JSON every Pipeline response uses: sorted keys, unescaped slashes, ISO 8601 dates.
public func pipelineJSONEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
}

/// A JSON response of `value`, encoded with ``pipelineJSONEncoder()``.
public func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws
    -> Response
{
    var headers = headers
    headers[.contentType] = "application/json"
    return Response(
        status: status, headers: headers,
        body: .init(byteBuffer: ByteBuffer(bytes: try pipelineJSONEncoder().encode(value))))
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
        return (try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)), body)
    } catch {
        throw APIError.invalidBody(error)
    }
}
