import Foundation
import Hummingbird

/// The JSON the compatibility APIs read and write: loosely typed, as their clients send it.
enum CompatJSON {
    /// The request body as a JSON object; a 400 `INVALID_REQUEST` otherwise.
    static func object(_ request: Request, limit: Int) async throws -> [String: Any] {
        let body = try await request.body.collect(upTo: limit)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw APIError(.invalidRequest, "the body is not a JSON object")
        }
        return object
    }

    /// A field as text: strings as they are, numbers written out; nil when absent or null.
    static func text(_ object: [String: Any], _ key: String) throws -> String? {
        switch object[key] {
        case nil, is NSNull: return nil
        case let text as String: return VideoSubmission.trimmed(text)
        case let number as NSNumber where String(cString: number.objCType) != "c": return number.stringValue
        default: throw APIError(.invalidRequest, "'\(key)' must be a string or a number")
        }
    }

    /// A field that must be a list of strings; nil when absent or null.
    static func texts(_ object: [String: Any], _ key: String) throws -> [String]? {
        switch object[key] {
        case nil, is NSNull: return nil
        case let list as [Any]:
            return try list.map { item in
                guard let text = item as? String else { throw APIError(.invalidRequest, "'\(key)' must be a list of strings") }
                return text
            }
        default: throw APIError(.invalidRequest, "'\(key)' must be a list of strings")
        }
    }

    /// `body` as a JSON answer with sorted keys and unescaped slashes.
    static func response(_ body: [String: Any], status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Seconds since 1970, as a whole number.
    static func unixTime(_ date: Date) -> Int { Int(date.timeIntervalSince1970) }
}
