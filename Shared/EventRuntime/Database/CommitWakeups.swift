import GRDB
import ServiceLifecycle
import Synchronization

extension ServiceDatabase {
    /// Runs `body` with a stream of wake-ups: one at once (for what was there before a restart), then
    /// one after each commit that inserted rows into `table`, whoever wrote it (new work, an outbox
    /// row or a job to render, arrives only by insert). Wake-ups are coalesced (one waiting at most)
    /// and carry nothing: the reader queries what it needs. No query runs per commit, unlike a value
    /// observation.
    public func withInsertWakeups<Result>(table: String,
                                          _ body: (AsyncStream<Void>) async throws -> Result) async throws -> Result {
        try await withWakeups(on: .insertsInto(table)) { wakeups in try await body(wakeups.stream) }
    }

    /// Runs `body` with `Wakeups` for a loop that waits for work rather than looking on a timer: one
    /// at once, then one after each commit that `trigger` names, plus those the loop asks for (a
    /// deadline, another task's `wake`).
    public func withWakeups<Result>(on trigger: CommitWakeupObserver.Trigger,
                                    _ body: (inout Wakeups) async throws -> Result) async throws -> Result {
        var wakeups = Wakeups()
        let observer = CommitWakeupObserver(trigger: trigger, wake: wakeups.wake)
        try await pool.writeWithoutTransaction { db in db.add(transactionObserver: observer) }
        wakeups.wake()
        let result: Swift.Result<Result, any Error>
        do { result = .success(try await body(&wakeups)) } catch { result = .failure(error) }
        try? await pool.writeWithoutTransaction { db in db.remove(transactionObserver: observer) }
        return try result.get()
    }
}

/// The wake-ups of a loop that sleeps until there is work: committed changes, a deadline of its
/// own, or another task's `wake`. They are coalesced (one waiting at most) and carry nothing.
public struct Wakeups {
    fileprivate let stream: AsyncStream<Void>
    // Made on the first `next`: a stream has one reader, and `withInsertWakeups` hands the stream on.
    private var iterator: AsyncStream<Void>.AsyncIterator?
    private let continuation: AsyncStream<Void>.Continuation

    fileprivate init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.stream = stream
        self.continuation = continuation
    }

    /// Wakes the loop (from any task): for work it should look at again now.
    public var wake: @Sendable () -> Void {
        { [continuation] in continuation.yield() }
    }

    /// Waits for the next wake-up, or until `deadline` when that comes first (with none, for a wake-up
    /// only). Returns at once when graceful shutdown begins or the task is cancelled.
    public mutating func next(orAt deadline: ContinuousClock.Instant?) async {
        let wake = self.wake
        var iterator = self.iterator ?? stream.makeAsyncIterator()
        defer { self.iterator = iterator }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { timer in
                if let deadline {
                    timer.addTask {
                        if (try? await Task.sleep(until: deadline, clock: .continuous)) != nil { wake() }
                    }
                }
                _ = await iterator.next()
                timer.cancelAll()
            }
        } onGracefulShutdown: {
            wake()
        }
    }
}

/// Notes whether a transaction made the change its trigger names and wakes the reader once it commits.
///
/// Why not `DatabaseRegionObservation`: GRDB asks every observer about every statement the writer
/// runs, and a region observer answers by building the statement's region (a dictionary, allocated)
/// to intersect with its own. On provider-bridge's webhook path that was several percent of the
/// machine; comparing one table name costs nothing.
public final class CommitWakeupObserver: TransactionObserver, Sendable {
    /// What wakes the reader.
    public enum Trigger: Sendable {
        /// A committed insert into this table.
        case insertsInto(String)
        /// Any committed insert, update or delete.
        case anyChange
    }

    let trigger: Trigger
    let wake: @Sendable () -> Void
    /// Set when the open transaction made such a change. GRDB calls an observer only on the writer's
    /// queue, so the lock is never contended; it is here for `Sendable`.
    private let changed = Mutex(false)

    init(trigger: Trigger, wake: @escaping @Sendable () -> Void) {
        self.trigger = trigger
        self.wake = wake
    }

    public func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        guard case .insertsInto(let table) = trigger else { return true }
        guard case .insert(let tableName) = eventKind else { return false }
        // SQLite's table names are case-insensitive; the exact comparison settles the common case.
        return tableName == table || (tableName.utf8.count == table.utf8.count && tableName.lowercased() == table.lowercased())
    }

    public func databaseDidChange(with event: DatabaseEvent) {
        changed.withLock { $0 = true }
        // One change is enough to know; the rest of the transaction's rows need not be reported.
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    public func databaseDidCommit(_ db: Database) {
        if changed.withLock({ changed in defer { changed = false }; return changed }) { wake() }
    }

    public func databaseDidRollback(_ db: Database) {
        changed.withLock { $0 = false }
    }
}
