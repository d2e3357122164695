import EventContracts
import Foundation

/// The in-place JSON reader against Foundation's `JSONDecoder`: whatever `RawJSON` accepts,
/// `JSONDecoder` accepts too, and every member, string and integer it reads is the one
/// `JSONDecoder` reads.
enum RawJSONHarness {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        guard let json = try? RawJSON(input) else { return }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(input))
        } catch {
            throw FuzzFinding("RawJSON accepted what JSONDecoder refuses (\(error)): \(String(decoding: input.prefix(200), as: UTF8.self))")
        }
        try compare(json, json.root, value, path: "$")
    }

    private static func compare(_ json: RawJSON, _ range: Range<Int>, _ value: JSONValue, path: String) throws(FuzzFinding) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                guard let found = try? json.member(of: range, key) else {
                    throw FuzzFinding("\(path): RawJSON does not find member \(key)")
                }
                try compare(json, found, member, path: "\(path).\(key)")
            }
        case .array(let items):
            guard let elements = try? json.elements(of: range) else { throw FuzzFinding("\(path): RawJSON cannot list the array") }
            try require(elements.count == items.count, "\(path): \(elements.count) elements, JSONDecoder has \(items.count)")
            for (index, (element, item)) in zip(elements, items).enumerated() {
                try compare(json, element, item, path: "\(path)[\(index)]")
            }
        case .string(let text):
            try require(json.isString(range), "\(path): not a string to RawJSON")
            try require((try? json.string(range)) == text, "\(path): RawJSON reads \(String(describing: try? json.string(range))), JSONDecoder \(text)")
        case .integer(let number):
            // RawJSON may refuse a number JSONDecoder reads (1.0, 1e2), never read another one.
            if let read = try? json.int64(range) { try require(read == number, "\(path): RawJSON reads \(read), JSONDecoder \(number)") }
        case .double(let number):
            if let read = try? json.int64(range) { try require(Double(read) == number, "\(path): RawJSON reads \(read), JSONDecoder \(number)") }
        case .null:
            try require(json.isNull(range), "\(path): not null to RawJSON")
        case .other:
            try require((try? json.int64(range)) == nil, "\(path): RawJSON reads an integer where JSONDecoder has none")
        }
    }
}

/// Any JSON value, as `JSONDecoder` reads it; when an object repeats a key, the first one is kept.
enum JSONValue: Decodable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case integer(Int64)
    case double(Double)
    case null
    case other

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            var members: [String: JSONValue] = [:]
            for key in container.allKeys where members[key.stringValue] == nil {
                members[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
            self = .object(members)
        } else if var container = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !container.isAtEnd { items.append(try container.decode(JSONValue.self)) }
            self = .array(items)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let number = try? container.decode(Int64.self) {
                self = .integer(number)
            } else if let number = try? container.decode(Double.self) {
                self = .double(number)
            } else {
                // A boolean, or a number no Double holds (1e400): JSONDecoder read the document.
                self = .other
            }
        }
    }
}
