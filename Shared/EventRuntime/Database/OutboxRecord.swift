import EventContracts
import Foundation
import GRDB

/// An event committed with a state change and waiting to be relayed to Kafka by `OutboxRelay`.
public struct OutboxRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"

    /// Insertion order: the relay publishes in this order.
    public var sequence: Int64?
    public var eventID: String
    public var topic: String
    public var key: String
    public var payload: Data
    /// The event's own time (its envelope's `time`): when what it announces happened, which for
    /// nearly every event is the transaction that wrote it. The relay times publication from it.
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case sequence, topic, key, payload
        case eventID = "event_id"
        case createdAt = "created_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
    }
}

/// Writes events to the outbox inside the caller's transaction.
public enum Outbox {
    /// Adds `envelope` to the outbox in `db`'s current transaction, keyed by its workspace.
    public static func enqueue<Payload: EventPayload>(_ envelope: EventEnvelope<Payload>, in db: Database) throws {
        try insert(eventID: envelope.id, topic: Payload.eventType.topic, key: envelope.workspaceID, payload: try envelope.encoded(),
                   time: envelope.time, in: db)
    }

    /// Adds an event written from parts (`EncodedEvent`) to the outbox in `db`'s current transaction.
    public static func enqueue(_ event: EncodedEvent, in db: Database) throws {
        try insert(eventID: event.id, topic: event.type.topic, key: event.workspaceID, payload: event.bytes, time: event.time, in: db)
    }

    private static func insert(eventID: String, topic: String, key: String, payload: [UInt8], time: Date, in db: Database) throws {
        // A cached statement rather than a record insert: every produced event passes here.
        try db.cachedStatement(sql: "INSERT INTO outbox (event_id, topic, key, payload, created_at) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [eventID, topic, key, Data(payload), DatabaseTime.value(time)])
    }
}
