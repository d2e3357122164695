import EventContracts
import Foundation

/// Job ids: RFC 9562 version 7 UUIDs in lower case. The first 48 bits are the Unix time in
/// milliseconds, the other 74 (after version and variant) random, so ids are as unguessable as
/// random UUIDs for any one millisecond, yet a new job's id sorts after older ones: inserting it into
/// the `jobs` primary-key index touches the index's last page instead of a random one, which kept
/// commits small as the table grew (with random ids each insert dirtied a different page).
enum JobID {
    static func make(now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, now.millisecondsSince1970))
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        let bytes = withUnsafeBytes(of: ((milliseconds << 16) | (random.0 & 0xFFFF)).bigEndian) { Array($0) }
            + withUnsafeBytes(of: random.1.bigEndian) { Array($0) }
        return UUIDText.make(bytes, version: 7)
    }
}
