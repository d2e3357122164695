import EventContracts
import Foundation
import GRDB

/// An event id a consumer has processed; its presence makes a redelivery a no-op.
public struct InboxRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "inbox"

    public var eventID: String
    public var eventType: String
    public var processedAt: Date

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case eventType = "event_type"
        case processedAt = "processed_at"
    }
}

/// The inbox as a table: recording an event id inside a transaction.
public enum Inbox {
    /// Records `header`'s event as processed in `db`'s transaction; false when it already was.
    public static func record(_ header: EventHeader, in db: Database) throws -> Bool {
        // A cached statement: every consumed event passes here, inside its handler's transaction.
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO inbox (event_id, event_type, processed_at) VALUES (?, ?, ?)")
            .execute(arguments: [header.id, header.type.rawValue, DatabaseTime.value(Date())])
        return db.changesCount == 1
    }
}

/// The inbox side of one consumed event: lets a handler check for and record processing of the event
/// in the same SQLite transaction as the state change it makes.
public struct InboxTransaction: Sendable {
    public let database: ServiceDatabase
    public let header: EventHeader

    public init(database: ServiceDatabase, header: EventHeader) {
        self.database = database
        self.header = header
    }

    /// Whether this event was processed already (a cheap check before doing idempotent work outside
    /// a transaction, such as an upload).
    public func isProcessed() async throws -> Bool {
        let id = header.id
        return try await database.pool.read { db in try InboxRecord.exists(db, key: id) }
    }

    /// Runs `body` and records the event as processed, in one transaction.
    /// Returns `nil` without running `body` when the event was processed before.
    @discardableResult
    public func commit<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T? {
        let header = self.header
        return try await database.pool.write { db in
            guard try Inbox.record(header, in: db) else { return nil }
            return try body(db)
        }
    }
}
