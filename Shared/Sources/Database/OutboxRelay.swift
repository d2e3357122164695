import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization

/// Publishes outbox rows to Kafka in insertion order and deletes them once the cluster has
/// acknowledged them. Woken by every commit that inserts into the outbox table, and drains what is
/// left at start-up. Acknowledged rows are deleted in one write every `pruneInterval` (and at shutdown), not
/// one write per batch sent: each write is a commit with an fsync on the service's single writer,
/// which its own requests wait behind. A crash before a delete commits republishes those rows;
/// consumers' inboxes drop the repeats.
public struct OutboxRelay: Service {
    let database: ServiceDatabase
    let producer: KafkaProducer
    let logger: Logger
    let batchSize: Int
    let pruneInterval: Duration

    public init(database: ServiceDatabase, producer: KafkaProducer, logger: Logger, batchSize: Int = 1000,
                pruneInterval: Duration = .milliseconds(100)) {
        self.database = database
        self.producer = producer
        self.logger = logger
        self.batchSize = batchSize
        self.pruneInterval = pruneInterval
    }

    public func run() async throws {
        let progress = RelayProgress()
        try await withThrowingTaskGroup(of: Void.self) { pruner in
            pruner.addTask { [pruneInterval] in
                while (try? await Task.sleep(for: pruneInterval)) != nil { await prune(progress) }
            }
            try await database.withInsertWakeups(table: OutboxRecord.databaseTableName) { commits in
                var published: Int64 = 0
                for await _ in commits.cancelOnGracefulShutdown() {
                    published = await drain(after: published)
                    progress.acknowledge(through: published)
                }
            }
            pruner.cancelAll()
        }
        await prune(progress)
    }

    /// Publishes until the outbox has nothing after `published`, retrying with backoff while Kafka is
    /// unreachable; returns the last sequence the cluster acknowledged.
    private func drain(after published: Int64) async -> Int64 {
        var published = published
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // Only the columns a message needs, read from rows: decoding whole records (and
                // parsing their dates) cost more than the read.
                let (batch, last) = try await database.pool.read { [batchSize, published] db in
                    var last: Int64?
                    let messages = try Row.fetchAll(db.cachedStatement(sql: """
                        SELECT sequence, topic, key, payload FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?
                        """), arguments: [published, batchSize]).map { row in
                        last = row[0]
                        return OutgoingKafkaMessage(topic: row[1], key: row[2], value: Array(row[3] as Data))
                    }
                    return (messages, last)
                }
                guard let last else { break }
                try await producer.send(batch)
                published = last
                logger.debug("Relayed outbox events", metadata: ["count": "\(batch.count)"])
                backoff = .milliseconds(100)
            } catch {
                logger.warning("Outbox relay failed; will retry", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
        return published
    }

    /// Deletes the acknowledged rows not deleted yet, if any.
    private func prune(_ progress: RelayProgress) async {
        guard let through = progress.undeleted else { return }
        do {
            _ = try await database.pool.write { db in try OutboxRecord.filter(Column("sequence") <= through).deleteAll(db) }
            progress.delete(through: through)
        } catch {
            // Left in place, the rows go out again after a restart: a duplicate, never a loss.
            logger.warning("Could not delete relayed outbox rows", metadata: ["error": "\(error)"])
        }
    }
}

/// How far the relay has got: the last outbox sequence the cluster acknowledged (set by the drain),
/// and the last one deleted (set by the pruner).
private final class RelayProgress: Sendable {
    private struct Sequences {
        var acknowledged: Int64 = 0
        var deleted: Int64 = 0
    }
    private let sequences = Mutex(Sequences())

    func acknowledge(through sequence: Int64) { sequences.withLock { $0.acknowledged = sequence } }

    func delete(through sequence: Int64) { sequences.withLock { $0.deleted = sequence } }

    /// The sequence to delete through, when acknowledged rows are still there.
    var undeleted: Int64? { sequences.withLock { $0.acknowledged > $0.deleted ? $0.acknowledged : nil } }
}
