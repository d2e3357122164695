import GRDB
import Synchronization

/// Jobs read recently, so that status polls (`GET /v1/videos/{id}`, the hottest route) are answered
/// without SQLite. Reading one row through the connection pool costs more than the rest of the request
/// together (a reader checked out, a read transaction begun and ended, hops between threads).
///
/// It stays true by watching every transaction of this process on one shard file as a GRDB
/// transaction observer: any commit that inserts, updates or deletes a `jobs` row drops that row from
/// the cache, whichever code wrote it. Other replicas write the same file (their clients' jobs, the
/// owner's projection), unseen here: an entry is served for `maximumAge` at most, the catch-up
/// `docs/scaling.md` states.
///
/// A read racing a commit must not put the older row back after the commit dropped it: each fill
/// carries the commit generation seen before its read began, and is refused when a commit touching
/// `jobs` happened since.
final class RecentJobs: TransactionObserver, Sendable {
    private struct Entry {
        let rowID: Int64
        let job: JobRecord
        let readAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var jobIDsByRow: [Int64: String] = [:]
        /// Counts commits that changed `jobs`.
        var generation: UInt64 = 0
        /// Rows the open transaction changed; dropped at its commit.
        var changedRows: Set<Int64> = []
        /// The open transaction changed `jobs` in a way that names no rows (a truncation, say).
        var changedAll = false
    }

    private let state = Mutex(State())
    /// Entries kept at most; past it the cache starts afresh (polls then refill it).
    let capacity: Int
    /// How long an entry is served: how stale a job may look when another process changed it.
    let maximumAge: Duration

    init(capacity: Int = 20_000, maximumAge: Duration = .seconds(1)) {
        self.capacity = capacity
        self.maximumAge = maximumAge
    }

    /// The commit generation to hand back to `remember`: read it before the database read.
    var generation: UInt64 { state.withLock { $0.generation } }

    func job(id: String) -> JobRecord? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[id], now - entry.readAt < maximumAge else { return nil }
            return entry.job
        }
    }

    /// Keeps `job` (read as row `rowID`) unless a commit changed `jobs` since `generation` was read.
    func remember(_ job: JobRecord, rowID: Int64, readAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity {
                state.entries.removeAll(keepingCapacity: true)
                state.jobIDsByRow.removeAll(keepingCapacity: true)
            }
            state.entries[job.id] = Entry(rowID: rowID, job: job, readAt: .now)
            state.jobIDsByRow[rowID] = job.id
        }
    }

    var count: Int { state.withLock { $0.entries.count } }

    // MARK: TransactionObserver (called on the writer's queue)

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        eventKind.tableName == JobRecord.databaseTableName
    }

    func databaseDidChange(with event: DatabaseEvent) {
        let rowID = event.rowID
        state.withLock { _ = $0.changedRows.insert(rowID) }
    }

    func databaseDidChange() {
        // Called instead of the per-row callback for changes SQLite reports without rows.
        state.withLock { $0.changedAll = true }
    }

    func databaseDidCommit(_ db: Database) {
        state.withLock { state in
            guard state.changedAll || !state.changedRows.isEmpty else { return }
            state.generation &+= 1
            if state.changedAll {
                state.entries.removeAll()
                state.jobIDsByRow.removeAll()
            } else {
                for rowID in state.changedRows {
                    if let jobID = state.jobIDsByRow.removeValue(forKey: rowID) { state.entries[jobID] = nil }
                }
            }
            state.changedRows.removeAll(keepingCapacity: true)
            state.changedAll = false
        }
    }

    func databaseDidRollback(_ db: Database) {
        state.withLock { state in
            state.changedRows.removeAll(keepingCapacity: true)
            state.changedAll = false
        }
    }
}
