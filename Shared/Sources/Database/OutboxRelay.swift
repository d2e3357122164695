import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization

/// Publishes outbox rows to Kafka in insertion order and deletes them once the cluster has
/// acknowledged them. Woken by every commit that changes the outbox table, and drains what is left at
/// start-up. Acknowledged rows are deleted in one write every `pruneInterval` (and at shutdown), not
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
        // Told of every commit that touches the outbox, without a query per commit (a value
        // observation re-counted the table after each one): a drain reads whatever is there.
        let (commits, commitSeen) = AsyncThrowingStream<Void, any Error>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let observation = DatabaseRegionObservation(tracking: Table(OutboxRecord.databaseTableName))
            .start(in: database.pool, onError: { commitSeen.finish(throwing: $0) }, onChange: { _ in commitSeen.yield() })
        defer { observation.cancel() }
        commitSeen.yield()  // rows left from before a restart
        // The last sequence the cluster acknowledged, and the last one deleted.
        let acknowledged = AcknowledgedSequence()
        var deleted: Int64 = 0
        try await withThrowingTaskGroup(of: Int64.self) { pruner in
            pruner.addTask { [pruneInterval] in
                var deleted: Int64 = 0
                while (try? await Task.sleep(for: pruneInterval)) != nil {
                    deleted = await prune(through: acknowledged.value, deleted: deleted)
                }
                return deleted
            }
            var published: Int64 = 0
            for try await _ in commits.cancelOnGracefulShutdown() {
                published = await drain(after: published)
                acknowledged.value = published
            }
            pruner.cancelAll()
            deleted = try await pruner.next() ?? 0
        }
        _ = await prune(through: acknowledged.value, deleted: deleted)
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

    /// Deletes the rows up to `acknowledged` when there are any past `deleted`; returns what is deleted now.
    private func prune(through acknowledged: Int64, deleted: Int64) async -> Int64 {
        guard acknowledged > deleted else { return deleted }
        do {
            _ = try await database.pool.write { db in try OutboxRecord.filter(Column("sequence") <= acknowledged).deleteAll(db) }
            return acknowledged
        } catch {
            // Left in place, the rows go out again after a restart: a duplicate, never a loss.
            logger.warning("Could not delete relayed outbox rows", metadata: ["error": "\(error)"])
            return deleted
        }
    }
}

/// The last outbox sequence the cluster acknowledged: written by the relay's drain, read by its pruner.
private final class AcknowledgedSequence: Sendable {
    private let sequence = Mutex<Int64>(0)

    var value: Int64 {
        get { sequence.withLock { $0 } }
        set { sequence.withLock { $0 = newValue } }
    }
}
