import Foundation
import Synchronization

/// An event written from its parts, its `data` already JSON: for passing a payload on (or most of it)
/// without decoding and re-encoding it. Its bytes are what `EventEnvelope.encoded()` writes for the
/// same envelope (sorted keys, slashes unescaped), so consumers cannot tell the two apart.
public struct EncodedEvent: Sendable {
    public let id: String
    public let type: EventType
    /// The Kafka key.
    public let workspaceID: String
    /// The envelope's `time`, to the millisecond.
    public let time: Date
    /// The wire bytes.
    public let bytes: [UInt8]

    /// Writes the envelope around `data`, which must be one encoded JSON object.
    public init(id: String = EventID.make(), type: EventType, source: String, subject: String, workspaceID: String,
                time: Date = Date(), data: [UInt8]) {
        var envelope = JSONObjectWriter(capacity: data.count + 256)
        envelope.raw("data", data)
        envelope.string("id", id)
        envelope.string("source", source)
        envelope.string("specversion", "1.0")
        envelope.string("subject", subject)
        let time = EventCoding.wholeMilliseconds(time)
        envelope.string("time", EventCoding.format(time))
        envelope.string("type", type.rawValue)
        envelope.string("workspace_id", workspaceID)
        self.id = id
        self.type = type
        self.workspaceID = workspaceID
        self.time = time
        self.bytes = envelope.finish()
    }
}

/// Event ids, in the shape of UUIDs (RFC 9562 version 8, "custom"): 60 random bits drawn once per
/// process, then a 62-bit counter. Unique across processes and restarts like random UUIDs, but made
/// without a system call each (the system's random source costs a call per id, and Foundation's
/// `UUID()` on Linux an open of `/dev/urandom`).
public enum EventID {
    private static let processPrefix: UInt64 = .random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// A fresh id in lower case.
    public static func make() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return UUIDText.make(withUnsafeBytes(of: (processPrefix.bigEndian, count.bigEndian)) { Array($0) }, version: 8)
    }
}
