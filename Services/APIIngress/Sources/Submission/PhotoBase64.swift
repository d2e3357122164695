/// Base64 as clients send photos in it: the standard or the URL-safe alphabet, padded or not,
/// wrapped with white space or not, with or without a `data:image/…;base64,` prefix. Decoded in one
/// pass over the bytes, without intermediate strings: a photo's base64 is the bulk of a JSON request,
/// and Foundation's path (clean the text, swap the alphabet, pad, decode) copied it four times.
package enum PhotoBase64 {
    /// The photo's bytes, or nil when `text` is not base64 (or decodes to nothing).
    package static func decode<Text: Collection<UInt8>>(_ text: Text) -> [UInt8]? {
        text.withContiguousStorageIfAvailable(decode(contiguous:)) ?? Array(text).withUnsafeBufferPointer(decode(contiguous:))
    }

    private static func decode(contiguous text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var start = 0
        if text.count > 5, text[0] == UInt8(ascii: "d"), text[1] == UInt8(ascii: "a"), text[2] == UInt8(ascii: "t"),
           text[3] == UInt8(ascii: "a"), text[4] == UInt8(ascii: ":") {
            guard let comma = text.firstIndex(of: UInt8(ascii: ",")) else { return nil }
            start = comma + 1
        }
        var output: [UInt8] = []
        output.reserveCapacity((text.count - start) / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var pending = 0
        var padding = 0
        for index in start..<text.count {
            let byte = text[index]
            let value = table[Int(byte)]
            if value < 64 {
                // Nothing may follow padding but more padding or white space.
                guard padding == 0 else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                pending += 1
                if pending == 4 {
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                    output.append(UInt8(truncatingIfNeeded: accumulator))
                    accumulator = 0
                    pending = 0
                }
            } else if value == whiteSpace {
                continue
            } else if value == pad {
                padding += 1
                guard padding <= 2 else { return nil }
            } else {
                return nil
            }
        }
        switch pending {
        case 0: break
        case 2: output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default: return nil
        }
        return output.isEmpty ? nil : output
    }

    private static let whiteSpace: UInt8 = 0xFE
    private static let pad: UInt8 = 0xFD
    private static let invalid: UInt8 = 0xFF

    /// Each byte's 6-bit value, or what else it is.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        table[Int(UInt8(ascii: "_"))] = 63
        table[Int(UInt8(ascii: "="))] = pad
        for space in [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")] { table[Int(space)] = whiteSpace }
        return table
    }()
}
