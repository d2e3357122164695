import GRDB
import Synchronization

extension ServiceDatabase {
    /// Runs `body` with a stream of wake-ups: one at once (for what was there before a restart), then
    /// one after each commit that inserted rows into `table`, whoever wrote it (new work, an outbox
    /// row or a job to render, arrives only by insert). Wake-ups are coalesced (one waiting at most)
    /// and carry nothing: the reader queries what it needs. No query runs per commit, unlike a value
    /// observation.
    public func withInsertWakeups<Result>(table: String,
                                          _ body: (AsyncStream<Void>) async throws -> Result) async throws -> Result {
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let observer = InsertWakeupObserver(table: table) { wake.yield() }
        try await pool.writeWithoutTransaction { db in db.add(transactionObserver: observer) }
        wake.yield()
        let result: Swift.Result<Result, any Error>
        do { result = .success(try await body(wakeups)) } catch { result = .failure(error) }
        try? await pool.writeWithoutTransaction { db in db.remove(transactionObserver: observer) }
        return try result.get()
    }
}

/// Notes whether a transaction inserted into one table and wakes the reader once it commits.
///
/// Why not `DatabaseRegionObservation`: GRDB asks every observer about every statement the writer
/// runs, and a region observer answers by building the statement's region (a dictionary, allocated)
/// to intersect with its own. On provider-bridge's webhook path that was several percent of the
/// machine; comparing one table name costs nothing.
final class InsertWakeupObserver: TransactionObserver, Sendable {
    let table: String
    let wake: @Sendable () -> Void
    /// Set when the open transaction inserted into the table. GRDB calls an observer only on the writer's
    /// queue, so the lock is never contended; it is here for `Sendable`.
    private let changed = Mutex(false)

    init(table: String, wake: @escaping @Sendable () -> Void) {
        self.table = table
        self.wake = wake
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        guard case .insert(let tableName) = eventKind else { return false }
        // SQLite's table names are case-insensitive; the exact comparison settles the common case.
        return tableName == table || (tableName.utf8.count == table.utf8.count && tableName.lowercased() == table.lowercased())
    }

    func databaseDidChange(with event: DatabaseEvent) {
        changed.withLock { $0 = true }
        // One insert is enough to know; the rest of the transaction's rows need not be reported.
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        if changed.withLock({ changed in defer { changed = false }; return changed }) { wake() }
    }

    func databaseDidRollback(_ db: Database) {
        changed.withLock { $0 = false }
    }
}
