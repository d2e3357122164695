import Foundation

/// A provider request body built as `[String: Any]` of JSON values, encoded by `JSONEncoder`.
/// Bodies carry photos as base64 text of 100 KB and more, and `JSONSerialization` walks such a
/// string about twenty times slower than `JSONEncoder` does (`Benchmarks/pipeline`).
struct JSONBody: Encodable {
    let value: Any

    /// Thrown for a value that is not JSON: a programming error in a provider client.
    struct NotJSON: Error { let type: String }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case let object as [String: Any]:
            var container = encoder.container(keyedBy: Key.self)
            for (key, element) in object { try container.encode(JSONBody(value: element), forKey: Key(key)) }
        case let array as [Any]:
            var container = encoder.unkeyedContainer()
            for element in array { try container.encode(JSONBody(value: element)) }
        default:
            var container = encoder.singleValueContainer()
            switch value {
            case let string as String: try container.encode(string)
            case let bool as Bool: try container.encode(bool)
            case let int as Int: try container.encode(int)
            case let double as Double: try container.encode(double)
            case is NSNull: try container.encodeNil()
            default: throw NotJSON(type: "\(type(of: value))")
            }
        }
    }

    /// Encodes `object` with sorted keys and unescaped slashes.
    static func encode(_ object: [String: Any]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(JSONBody(value: object))
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
