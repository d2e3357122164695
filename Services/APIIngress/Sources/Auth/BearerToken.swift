import Hummingbird

extension Request {
    /// The token of an `Authorization: Bearer <token>` header (the scheme in any case), without the
    /// spaces or tabs around it; nil without one. hummingbird-auth's `headers.bearer` matches only
    /// `"Bearer "` exactly, but RFC 9110 (11.1) makes the scheme case-insensitive and clients do send
    /// `bearer`. Read on every API request, so byte by byte rather than through Foundation's trimming.
    var bearerToken: String? { credential(schemes: ["bearer"]) }

    /// The credential of an `Authorization: <scheme> <credential>` header for one of `schemes`
    /// (lowercase; matched in any case): `bearer`, or also `token` where an API takes
    /// `Authorization: Token …`.
    func credential(schemes: [String]) -> String? {
        guard let header = headers[.authorization] else { return nil }
        let bytes = Array(header.utf8)
        guard let scheme = schemes.lazy.map({ Array("\($0) ".utf8) }).first(where: { scheme in
            bytes.count > scheme.count
                && zip(bytes, scheme).allSatisfy({ byte, expected in byte == expected || (expected != UInt8(ascii: " ") && byte | 0x20 == expected) })
        }) else { return nil }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = bytes[scheme.count...].firstIndex(where: { !isBlank($0) }),
              let end = bytes.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
