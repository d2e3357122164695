/// JSON written byte by byte, for the few hot paths where `JSONEncoder`'s generic machinery costs
/// more than the work around it. The output matches what `JSONEncoder` writes for the same values.
public enum JSONText {
    /// Appends `text` as a JSON string: quotes, backslashes (and slashes when `escapingSlashes`, as
    /// `JSONEncoder` does by default) escaped, the named control escapes, other control characters
    /// as `\u00XX`, everything else as UTF-8.
    public static func appendString(_ text: String, to bytes: inout [UInt8], escapingSlashes: Bool) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, keys, times) need no escape at all: checked and copied whole from the
        // string's own storage.
        var contiguous = text
        let copied = contiguous.withUTF8 { utf8 in
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                || (escapingSlashes && byte == UInt8(ascii: "/")) {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case UInt8(ascii: "/") where escapingSlashes:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x08: appendEscape(UInt8(ascii: "b"), to: &bytes)
            case 0x09: appendEscape(UInt8(ascii: "t"), to: &bytes)
            case 0x0A: appendEscape(UInt8(ascii: "n"), to: &bytes)
            case 0x0C: appendEscape(UInt8(ascii: "f"), to: &bytes)
            case 0x0D: appendEscape(UInt8(ascii: "r"), to: &bytes)
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ letter: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(letter)
    }
}

/// Writes one JSON object member by member. Callers write keys in sorted order, so the bytes are
/// the ones `EventCoding.encoder` (sorted keys, slashes unescaped) would produce.
public struct JSONObjectWriter {
    /// The object so far; complete after `finish()`.
    public private(set) var bytes: [UInt8]
    private var empty = true

    /// Starts an object, reserving `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// Writes `key` with an already-encoded JSON value (a member of another document, say).
    public mutating func raw(_ key: String, _ value: some Collection<UInt8>) {
        writeKey(key)
        bytes.append(contentsOf: value)
    }

    /// Writes `key` with a string value.
    public mutating func string(_ key: String, _ value: String) {
        writeKey(key)
        JSONText.appendString(value, to: &bytes, escapingSlashes: false)
    }

    /// Writes `key` with an integer value.
    public mutating func integer(_ key: String, _ value: Int64) {
        writeKey(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes `key` with a number as `JSONEncoder` writes a `Double`: the shortest form that reads
    /// back the same, without a trailing `.0` (`3`, `2.5`). Non-finite values are not JSON; they are
    /// written as `null`.
    public mutating func number(_ key: String, _ value: Double) {
        writeKey(key)
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes `key` with `true` or `false`.
    public mutating func boolean(_ key: String, _ value: Bool) {
        writeKey(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes `key` with an array of strings.
    public mutating func strings(_ key: String, _ values: [String]) {
        writeKey(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.appendString(value, to: &bytes, escapingSlashes: false)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Closes the object and returns its bytes.
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func writeKey(_ key: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        JSONText.appendString(key, to: &bytes, escapingSlashes: false)
        bytes.append(UInt8(ascii: ":"))
    }
}
