/// RFC 9562 UUIDs written from raw bytes, for the ids RoomReel makes itself (`EventID`, job ids).
public enum UUIDText {
    /// The 16 `bytes` with the version nibble set to `version` and the RFC 9562 variant bits set, in
    /// the usual lower-case 8-4-4-4-12 form.
    public static func make(_ bytes: [UInt8], version: UInt8) -> String {
        precondition(bytes.count == 16, "a UUID is 16 bytes")
        var bytes = bytes
        bytes[6] = bytes[6] & 0x0F | version << 4
        bytes[8] = bytes[8] & 0x3F | 0x80
        return [bytes[0..<4], bytes[4..<6], bytes[6..<8], bytes[8..<10], bytes[10..<16]].map(\.hexEncoded).joined(separator: "-")
    }
}
