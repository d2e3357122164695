import Foundation
import Hummingbird

/// The one way api-ingress answers with JSON: sorted keys, unescaped slashes, ISO 8601 times.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        make(data: try encode(value), status: status)
    }

    static func make(data: Data, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
