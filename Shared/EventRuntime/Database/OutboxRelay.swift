import Foundation
import GRDB
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Publishes outbox rows to Kafka in insertion order and deletes them once the cluster has
/// acknowledged them. Woken by every commit that inserts into the outbox table, and drains what is
/// left at start-up. Acknowledged rows are deleted in one write at most every `pruneInterval` after an
/// acknowledgement (and at shutdown), not one write per batch sent: each write is a commit with an fsync on the service's single writer,
/// which its own requests wait behind. A crash before a delete commits republishes those rows;
/// consumers' inboxes drop the repeats. Each event's wait, from its own `time` to the cluster's
/// acknowledgement, goes into the timer `roomreel_outbox_publish_delay_seconds` (dimensions `service`
/// and `topic`).
public struct OutboxRelay: Service {
    /// The timer of each event's wait from its time to the cluster's acknowledgement.
    public static let publishDelayMetric = "roomreel_outbox_publish_delay_seconds"
    /// The timer's buckets: a millisecond apart up to 25 ms, where a healthy relay's events are, then
    /// coarser out to a minute (a broker that was away).
    public static let publishDelayBuckets: [Duration] = (1...25).map { .milliseconds($0) }
        + [30, 40, 50, 75, 100, 250, 500].map { .milliseconds($0) } + [1, 2.5, 5, 10, 30, 60].map { .seconds($0) }

    let service: String
    let database: ServiceDatabase
    let producer: KafkaProducer
    let logger: Logger
    let batchSize: Int
    let pruneInterval: Duration
    /// How often the outbox is looked at without a wake-up, when other processes write it too (their
    /// commits wake no one here); nil when only this process writes it.
    let lookEvery: Duration?

    /// `service` names the relay's service in its metrics.
    public init(service: String, database: ServiceDatabase, producer: KafkaProducer, logger: Logger, batchSize: Int = 1000,
                pruneInterval: Duration = .milliseconds(100), lookEvery: Duration? = nil) {
        self.service = service
        self.database = database
        self.producer = producer
        self.logger = logger
        self.batchSize = batchSize
        self.pruneInterval = pruneInterval
        self.lookEvery = lookEvery
    }

    public func run() async throws {
        let progress = RelayProgress()
        try await withThrowingTaskGroup(of: Void.self) { pruner in
            pruner.addTask { [pruneInterval] in
                // After an acknowledgement, with the interval's acknowledgements gathered into one delete.
                for await _ in progress.acknowledgements {
                    guard (try? await Task.sleep(for: pruneInterval)) != nil else { break }
                    await prune(progress)
                }
            }
            try await database.withWakeups(on: .insertsInto(OutboxRecord.databaseTableName)) { wakeups in
                var published: Int64 = 0
                var delays = PublishDelays(service: service)
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    await wakeups.next(orAt: lookEvery.map { .now + $0 })
                    guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
                    published = await drain(after: published, timing: &delays)
                    progress.acknowledge(through: published)
                }
            }
            pruner.cancelAll()
        }
        await prune(progress)
    }

    /// Publishes until the outbox has nothing after `published`, retrying with backoff while Kafka is
    /// unreachable; returns the last sequence the cluster acknowledged.
    private func drain(after published: Int64, timing delays: inout PublishDelays) async -> Int64 {
        var published = published
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // Only the columns a message needs, read from rows: decoding whole records (and
                // parsing their dates) cost more than the read.
                // The events' times come as Julian days: SQLite parses its own text form of a time far
                // faster than Swift would.
                let (batch, times, last) = try await database.pool.read { [batchSize, published] db in
                    var last: Int64?
                    var times: [Double] = []
                    let messages = try Row.fetchAll(db.cachedStatement(sql: """
                        SELECT sequence, topic, key, payload, julianday(created_at) FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?
                        """), arguments: [published, batchSize]).map { row in
                        last = row[0]
                        times.append(row[4])
                        return OutgoingKafkaMessage(topic: row[1], key: row[2], value: Array(row[3] as Data))
                    }
                    return (messages, times, last)
                }
                guard let last else { break }
                try await producer.send(batch)
                delays.record(batch, eventTimes: times, acknowledgedAt: Date())
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

/// The relay's publish-delay timers, one for each topic it has published to. A batch is sent whole, and
/// its acknowledgement is when the last of its events was acknowledged: each event is timed to then,
/// so a delay is never short.
private struct PublishDelays {
    let service: String
    private var timers: [String: Metrics.Timer] = [:]

    init(service: String) {
        self.service = service
        // The metrics system is bootstrapped (with the timer's buckets) before the first timer is made;
        // a timer made before it would go nowhere for good.
        _ = ProcessMetrics.registry
    }

    /// Times each of `messages` from its event's time (`eventTimes`, Julian days, in the same order).
    mutating func record(_ messages: [OutgoingKafkaMessage], eventTimes: [Double], acknowledgedAt: Date) {
        // Julian day 2440587.5 is 1970-01-01T00:00Z.
        let acknowledged = acknowledgedAt.timeIntervalSince1970 / 86_400 + 2_440_587.5
        for (message, time) in zip(messages, eventTimes) {
            let timer = timers[message.topic] ?? {
                let timer = Metrics.Timer(label: OutboxRelay.publishDelayMetric, dimensions: [("service", service), ("topic", message.topic)])
                timers[message.topic] = timer
                return timer
            }()
            timer.recordNanoseconds(Int64(max(0, (acknowledged - time) * 86_400 * 1e9)))
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
    private let acknowledged: AsyncStream<Void>.Continuation
    /// A wake-up after each acknowledgement that moved on (coalesced, one waiting at most), for the pruner.
    let acknowledgements: AsyncStream<Void>

    init() {
        (acknowledgements, acknowledged) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func acknowledge(through sequence: Int64) {
        let moved = sequences.withLock { sequences in
            defer { sequences.acknowledged = sequence }
            return sequence > sequences.acknowledged
        }
        if moved { acknowledged.yield() }
    }

    func delete(through sequence: Int64) { sequences.withLock { $0.deleted = sequence } }

    /// The sequence to delete through, when acknowledged rows are still there.
    var undeleted: Int64? { sequences.withLock { $0.acknowledged > $0.deleted ? $0.acknowledged : nil } }
}
