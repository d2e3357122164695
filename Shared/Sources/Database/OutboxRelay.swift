import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Publishes outbox rows to Kafka in insertion order and deletes each batch once the cluster has
/// acknowledged it. A crash between publish and delete republishes the batch; consumers' inboxes drop
/// the duplicates. Woken by every commit that changes the outbox table, and drains what is left at start-up.
public struct OutboxRelay: Service {
    let database: ServiceDatabase
    let producer: KafkaProducer
    let logger: Logger
    let batchSize: Int

    public init(database: ServiceDatabase, producer: KafkaProducer, logger: Logger, batchSize: Int = 1000) {
        self.database = database
        self.producer = producer
        self.logger = logger
        self.batchSize = batchSize
    }

    public func run() async throws {
        // Told of every commit that touches the outbox, without a query per commit (a value
        // observation re-counted the table after each one): a drain reads whatever is there.
        let (commits, commitSeen) = AsyncThrowingStream<Void, any Error>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let observation = DatabaseRegionObservation(tracking: Table(OutboxRecord.databaseTableName))
            .start(in: database.pool, onError: { commitSeen.finish(throwing: $0) }, onChange: { _ in commitSeen.yield() })
        defer { observation.cancel() }
        commitSeen.yield()  // rows left from before a restart
        for try await _ in commits.cancelOnGracefulShutdown() {
            await drain()
        }
    }

    /// Publishes until the outbox is empty, retrying with backoff while Kafka is unreachable. A
    /// published batch is deleted while the next one is read and sent (at most one delete in flight),
    /// so publishing never waits behind the service's own writes for the single writer connection. A
    /// crash before a delete commits republishes those rows; consumers' inboxes drop the repeats.
    private func drain() async {
        await withTaskGroup(of: Void.self) { deletions in
            var backoff = Duration.milliseconds(100)
            // The last sequence published in this drain: later reads skip rows whose delete is in flight.
            var published: Int64 = 0
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    let batch = try await database.pool.read { [batchSize, published] db in
                        try OutboxRecord.filter(Column("sequence") > published).order(Column("sequence")).limit(batchSize).fetchAll(db)
                    }
                    guard let last = batch.last?.sequence else { break }
                    try await producer.send(batch.map {
                        OutgoingKafkaMessage(topic: $0.topic, key: $0.key, value: Array($0.payload))
                    })
                    published = last
                    await deletions.next()
                    deletions.addTask { [database, logger] in
                        do {
                            _ = try await database.pool.write { db in try OutboxRecord.filter(Column("sequence") <= last).deleteAll(db) }
                        } catch {
                            // Left in place, the rows go out again on the next drain: a duplicate, never a loss.
                            logger.warning("Could not delete relayed outbox rows", metadata: ["error": "\(error)"])
                        }
                    }
                    logger.debug("Relayed outbox events", metadata: ["count": "\(batch.count)"])
                    backoff = .milliseconds(100)
                } catch {
                    logger.warning("Outbox relay failed; will retry", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
            await deletions.waitForAll()
        }
    }
}
