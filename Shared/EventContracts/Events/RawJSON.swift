/// An encoded JSON document read in place: it checks the document's structure once, then finds
/// members of objects as byte ranges and decodes just the strings and integers asked for.
///
/// The hot consumers (every event header, billing's debits) need a few fields of an envelope, and
/// sometimes to pass one member on verbatim; a full `JSONDecoder` pass costs several times more than
/// the rest of their work. Anything `RawJSON` accepts, `JSONDecoder` accepts too (the tests compare
/// them); when a key appears twice, the first one wins, as with `JSONDecoder`.
public struct RawJSON: Sendable {
    /// The document.
    public let bytes: [UInt8]
    /// The range of the document's top-level value.
    public let root: Range<Int>

    /// Checks that `bytes` hold exactly one well-formed JSON value (nested at most 64 deep).
    public init(_ bytes: [UInt8]) throws(RawJSONError) {
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        let start = scanner.position
        try scanner.skipValue(depth: 0)
        root = start..<scanner.position
        scanner.skipWhitespace()
        guard scanner.position == bytes.count else { throw RawJSONError("unexpected bytes after the JSON value", at: scanner.position) }
    }

    /// The value ranges of the members `keys` of the object at `object`, in the order of `keys`;
    /// nil for a key the object lacks.
    public func members(of object: Range<Int>, _ keys: [String]) throws(RawJSONError) -> [Range<Int>?] {
        let wanted = keys.map { Array($0.utf8) }
        var found = [Range<Int>?](repeating: nil, count: keys.count)
        try forEachItem(of: object, keyed: true) { key, value throws(RawJSONError) in
            if let key, let index = try wantedIndex(of: key, in: wanted), found[index] == nil { found[index] = value }
        }
        return found
    }

    /// The value range of member `key` of the object at `object`.
    public func member(of object: Range<Int>, _ key: String) throws(RawJSONError) -> Range<Int>? {
        try members(of: object, [key])[0]
    }

    /// The value ranges of the elements of the array at `array`, in order.
    public func elements(of array: Range<Int>) throws(RawJSONError) -> [Range<Int>] {
        var elements: [Range<Int>] = []
        try forEachItem(of: array, keyed: false) { _, value in elements.append(value) }
        return elements
    }

    /// Walks the items of the object (`keyed`) or array at `container`: each value's range, with its
    /// key's range (quotes included) for an object.
    private func forEachItem(of container: Range<Int>, keyed: Bool,
                             _ visit: (_ key: Range<Int>?, _ value: Range<Int>) throws(RawJSONError) -> Void) throws(RawJSONError) {
        let (open, close) = keyed ? (UInt8(ascii: "{"), UInt8(ascii: "}")) : (UInt8(ascii: "["), UInt8(ascii: "]"))
        guard bytes[container.lowerBound] == open else {
            throw RawJSONError(keyed ? "expected an object" : "expected an array", at: container.lowerBound)
        }
        var scanner = Scanner(bytes: bytes, position: container.lowerBound + 1)
        scanner.skipWhitespace()
        if scanner.peek == close { return }
        while true {
            scanner.skipWhitespace()
            var key: Range<Int>?
            if keyed {
                let keyStart = scanner.position
                try scanner.skipString()
                key = keyStart..<scanner.position
                scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: ":"))
                scanner.skipWhitespace()
            }
            let valueStart = scanner.position
            try scanner.skipValue(depth: 1)
            try visit(key, valueStart..<scanner.position)
            scanner.skipWhitespace()
            if scanner.peek == close { return }
            try scanner.expect(UInt8(ascii: ","))
        }
    }

    /// Whether the value at `range` is a string.
    public func isString(_ range: Range<Int>) -> Bool { bytes[range.lowerBound] == UInt8(ascii: "\"") }

    /// Whether the value at `range` is `null`.
    public func isNull(_ range: Range<Int>) -> Bool { bytes[range.lowerBound] == UInt8(ascii: "n") }

    /// The string at `range` (a JSON string, quotes included), unescaped.
    public func string(_ range: Range<Int>) throws(RawJSONError) -> String {
        guard bytes[range.lowerBound] == UInt8(ascii: "\"") else { throw RawJSONError("expected a string", at: range.lowerBound) }
        let content = (range.lowerBound + 1)..<(range.upperBound - 1)
        guard bytes[content].contains(UInt8(ascii: "\\")) else {
            guard let text = String(validating: bytes[content], as: UTF8.self) else { throw RawJSONError("a string is not UTF-8", at: range.lowerBound) }
            return text
        }
        return try unescaped(content)
    }

    /// The integer at `range`: digits with an optional minus sign, within `Int64`.
    public func int64(_ range: Range<Int>) throws(RawJSONError) -> Int64 {
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < range.upperBound else { throw RawJSONError("expected an integer", at: range.lowerBound) }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw RawJSONError("expected an integer", at: range.lowerBound) }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = negative ? shifted.subtractingReportingOverflow(Int64(digit)) : shifted.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { throw RawJSONError("an integer is out of range", at: range.lowerBound) }
            value = next
            index += 1
        }
        return value
    }

    private func wantedIndex(of key: Range<Int>, in wanted: [[UInt8]]) throws(RawJSONError) -> Int? {
        let content = (key.lowerBound + 1)..<(key.upperBound - 1)
        if bytes[content].contains(UInt8(ascii: "\\")) {
            let text = Array(try unescaped(content).utf8)
            return wanted.firstIndex { $0 == text }
        }
        return wanted.firstIndex { $0.elementsEqual(bytes[content]) }
    }

    private func unescaped(_ content: Range<Int>) throws(RawJSONError) -> String {
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flushRaw() throws(RawJSONError) {
            guard !raw.isEmpty else { return }
            guard let text = String(validating: raw, as: UTF8.self) else { throw RawJSONError("a string is not UTF-8", at: content.lowerBound) }
            scalars.append(contentsOf: text.unicodeScalars)
            raw.removeAll(keepingCapacity: true)
        }
        var index = content.lowerBound
        while index < content.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                raw.append(byte)
                index += 1
                continue
            }
            try flushRaw()
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            default:
                // `\uXXXX`, the only escape left (the scanner checked the shape); a high surrogate
                // must be followed by a low one.
                var code = hexValue(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(code) {
                    guard index + 6 <= content.upperBound, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                          case let low = hexValue(at: index + 2), (0xDC00..<0xE000).contains(low)
                    else { throw RawJSONError("a lone surrogate in a string", at: index) }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                guard let scalar = Unicode.Scalar(code) else { throw RawJSONError("a lone surrogate in a string", at: index) }
                scalars.append(scalar)
            }
        }
        try flushRaw()
        return String(scalars)
    }

    private func hexValue(at index: Int) -> UInt32 {
        bytes[index..<(index + 4)].reduce(0) { value, byte in value << 4 | UInt32(Scanner.hexDigit(byte) ?? 0) }
    }

    /// A cursor that steps over JSON values, checking their grammar.
    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(RawJSONError) {
            guard peek == byte else { throw RawJSONError("expected '\(Character(Unicode.Scalar(byte)))'", at: position) }
            position += 1
        }

        mutating func skipValue(depth: Int) throws(RawJSONError) {
            guard depth < 64 else { throw RawJSONError("nested too deeply", at: position) }
            guard let byte = peek else { throw RawJSONError("expected a value", at: position) }
            switch byte {
            case UInt8(ascii: "\""): try skipString()
            case UInt8(ascii: "{"): try skipContainer(close: UInt8(ascii: "}"), keyed: true, depth: depth)
            case UInt8(ascii: "["): try skipContainer(close: UInt8(ascii: "]"), keyed: false, depth: depth)
            case UInt8(ascii: "t"): try skipLiteral("true")
            case UInt8(ascii: "f"): try skipLiteral("false")
            case UInt8(ascii: "n"): try skipLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
            default: throw RawJSONError("expected a value", at: position)
            }
        }

        mutating func skipContainer(close: UInt8, keyed: Bool, depth: Int) throws(RawJSONError) {
            position += 1
            skipWhitespace()
            if peek == close {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                if keyed {
                    try skipString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek == close {
                    position += 1
                    return
                }
                try expect(UInt8(ascii: ","))
            }
        }

        mutating func skipString() throws(RawJSONError) {
            let start = position
            try expect(UInt8(ascii: "\""))
            while let byte = peek {
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return
                case UInt8(ascii: "\\"):
                    switch peek {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        position += 1
                    case UInt8(ascii: "u"):
                        let unit = try escapedUnit(at: position)
                        position += 5
                        // A surrogate only as a high-low pair, as JSONDecoder requires.
                        if (0xDC00...0xDFFF).contains(unit) { throw RawJSONError("an unpaired surrogate", at: position - 6) }
                        if (0xD800...0xDBFF).contains(unit) {
                            guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                                  (0xDC00...0xDFFF).contains(try escapedUnit(at: position + 1))
                            else { throw RawJSONError("an unpaired surrogate", at: position - 6) }
                            position += 6
                        }
                    default:
                        throw RawJSONError("a bad escape", at: position)
                    }
                case 0..<0x20:
                    throw RawJSONError("a control character in a string", at: position - 1)
                case 0x80...:
                    try skipUTF8Sequence(lead: byte)
                default:
                    continue
                }
            }
            throw RawJSONError("an unterminated string", at: start)
        }

        /// The UTF-16 unit of the `\\uXXXX` escape whose `u` is at `index`.
        func escapedUnit(at index: Int) throws(RawJSONError) -> UInt32 {
            guard index + 5 <= bytes.count, bytes[index] == UInt8(ascii: "u") else { throw RawJSONError("a bad \\u escape", at: index) }
            var unit: UInt32 = 0
            for offset in 1...4 {
                guard let digit = Self.hexDigit(bytes[index + offset]) else { throw RawJSONError("a bad \\u escape", at: index) }
                unit = unit << 4 | UInt32(digit)
            }
            return unit
        }

        /// Checks the rest of a UTF-8 sequence whose lead byte was just read (as `JSONDecoder`
        /// refuses a document with invalid UTF-8, so does `RawJSON`).
        mutating func skipUTF8Sequence(lead: UInt8) throws(RawJSONError) {
            let (count, second): (Int, ClosedRange<UInt8>) = switch lead {
            case 0xC2...0xDF: (1, 0x80...0xBF)
            case 0xE0: (2, 0xA0...0xBF)
            case 0xED: (2, 0x80...0x9F)
            case 0xE1...0xEF: (2, 0x80...0xBF)
            case 0xF0: (3, 0x90...0xBF)
            case 0xF1...0xF3: (3, 0x80...0xBF)
            case 0xF4: (3, 0x80...0x8F)
            default: throw RawJSONError("invalid UTF-8", at: position - 1)
            }
            guard position + count <= bytes.count, second.contains(bytes[position]),
                  bytes[(position + 1)..<(position + count)].allSatisfy({ (0x80...0xBF).contains($0) })
            else { throw RawJSONError("invalid UTF-8", at: position - 1) }
            position += count
        }

        mutating func skipLiteral(_ literal: StaticString) throws(RawJSONError) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count,
                  bytes[position..<(position + count)].elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: count))
            else { throw RawJSONError("expected \(literal)", at: position) }
            position += count
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func skipNumber() throws(RawJSONError) {
            let start = position
            func digits() -> Int {
                let first = position
                while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
                return position - first
            }
            if peek == UInt8(ascii: "-") { position += 1 }
            if peek == UInt8(ascii: "0") {
                position += 1
            } else if digits() == 0 {
                throw RawJSONError("a malformed number", at: start)
            }
            if peek == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw RawJSONError("a malformed number", at: start) }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw RawJSONError("a malformed number", at: start) }
            }
        }

        static func hexDigit(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
    }
}

/// Why `RawJSON` refused a document.
public struct RawJSONError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public let reason: String
    /// The byte offset where it was found.
    public let offset: Int

    init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "malformed JSON at byte \(offset): \(reason)" }
}
