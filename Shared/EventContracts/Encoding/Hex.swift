/// Lower-case hexadecimal digits, by value.
let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits per byte (digests, keys). Built from a table rather than
    /// `String(format:)`, which costs microseconds per byte on hot paths such as ledger hashing.
    public var hexEncoded: String {
        var characters: [UInt8] = []
        characters.reserveCapacity(Swift.max(underestimatedCount, 32) * 2)
        for byte in self {
            characters.append(hexDigits[Int(byte >> 4)])
            characters.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
