import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Copies committed pages from a service database's write-ahead log back into the database file in the
/// background, on a connection of its own, so that no commit waits for it.
///
/// Left to itself SQLite checkpoints inside the commit that takes the log past 1,000 pages: under load
/// that was every few hundred jobs, each time holding up the writer (and every request waiting on
/// it) while it copied pages and synced the file; it was the slowest 1 % of `POST /v1/videos` and a
/// sixth of its throughput. Here a passive checkpoint (it never blocks the writer or readers) runs
/// whenever the log has grown past `thresholdBytes`, looked at after commits, at most once every
/// `interval` (an idle service is not woken at all). Pages rewritten many
/// times in between (index leaves, the outbox) are copied once. `ServiceDatabase` keeps SQLite's own
/// checkpoint for a log past `ServiceDatabase.fallbackCheckpointPages`, for a process that runs without
/// this service (every service's group has it through `EventServiceParts`).
public struct WALCheckpointer: Service {
    let database: ServiceDatabase
    let interval: Duration
    let thresholdBytes: Int64
    let logger: Logger

    public init(database: ServiceDatabase, interval: Duration = .milliseconds(50), thresholdBytes: Int64 = 4 << 20, logger: Logger) {
        self.database = database
        self.interval = interval
        self.thresholdBytes = thresholdBytes
        self.logger = logger
    }

    public func run() async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: database.path, configuration: configuration)
        try await database.withWakeups(on: .anyChange) { commits in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                await commits.next(orAt: nil)
                if logSize() >= thresholdBytes { await checkpoint(connection) }
                // Commits come in runs: the next look waits for the interval (or shutdown).
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        }
        // On the way out: whatever the log holds, so the next start reads a short one (a shard given
        // up is cancelled instead, and left to its new owner's checkpointer).
        if !Task.isCancelled { await checkpoint(connection) }
    }

    /// The write-ahead log's size on disk, 0 when there is none.
    func logSize() -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: database.path + "-wal")
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private func checkpoint(_ connection: DatabaseQueue) async {
        do {
            _ = try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        } catch is CancellationError {
        } catch {
            logger.warning("Could not checkpoint the write-ahead log", metadata: ["database": "\(database.path)", "error": "\(error)"])
        }
    }
}
