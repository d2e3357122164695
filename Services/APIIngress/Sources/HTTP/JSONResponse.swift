import EventContracts
import Foundation
import Hummingbird

/// The one way api-ingress answers with JSON: sorted keys, unescaped slashes, ISO 8601 times (ms).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        make(data: try encode(value), status: status)
    }

    static func make(data: Data, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func make(bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The events' encoder: sorted keys, unescaped slashes, times as ISO 8601 with milliseconds written
    /// by calendar arithmetic (Foundation's ISO 8601 formatter cost more than the rest of a read).
    static func encode(_ value: some Encodable) throws -> Data {
        try EventCoding.encoder.encode(value)
    }
}
