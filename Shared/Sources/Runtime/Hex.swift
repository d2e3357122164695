extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits per byte (digests, keys). Built from a table rather than
    /// `String(format:)`, which costs microseconds per byte on hot paths such as ledger hashing.
    public var hexEncoded: String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
