/// RFC 9562 UUIDs written from raw bytes, for the ids RoomReel makes itself (`EventID`, job ids).
public enum UUIDText {
    /// The 16 `bytes` with the version nibble set to `version` and the RFC 9562 variant bits set, in
    /// the usual lower-case 8-4-4-4-12 form.
    public static func make(_ bytes: [UInt8], version: UInt8) -> String {
        precondition(bytes.count == 16, "a UUID is 16 bytes")
        // Written in place into one string: every event id passes here (five hex strings joined cost
        // more than the rest of an event's envelope).
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for index in 0..<16 {
                var byte = bytes[index]
                if index == 6 { byte = byte & 0x0F | version << 4 }
                if index == 8 { byte = byte & 0x3F | 0x80 }
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = hexDigits[Int(byte >> 4)]
                text[position + 1] = hexDigits[Int(byte & 0x0F)]
                position += 2
            }
            return position
        }
    }
}
