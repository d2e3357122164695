import EventContracts
import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Outbox relay")
struct OutboxRelayTests {
    @Test("publishes committed outbox events to Kafka in order, empties the outbox, and never publishes a rolled-back one")
    func relaysInOrder() async throws {
        let fixture = try RelayFixture()
        defer { fixture.directory.remove() }
        let (cluster, database) = (fixture.cluster, fixture.database)

        // A transaction that fails after enqueueing must leave nothing to publish.
        let rolledBack = EventEnvelope(source: "test", subject: "job-x", workspaceID: "ws-test",
                                       data: VideoSubmitted(provider: "local", predictionID: "rolled-back"))
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await database.pool.write { db in
                try Outbox.enqueue(rolledBack, in: db)
                throw Abort()
            }
        }
        let events = (1...3).map { index in
            EventEnvelope(source: "test", subject: "job-\(index)", workspaceID: "ws-test",
                          data: VideoSubmitted(provider: "local", predictionID: "prediction-\(index)"))
        }
        try await database.pool.write { db in
            for event in events { try Outbox.enqueue(event, in: db) }
        }

        try await fixture.running {
            let messages = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.videoSubmitted.topic], count: 3)
            let received = try messages.map { try EventEnvelope<VideoSubmitted>.decode($0.value) }
            #expect(received == events)
            #expect(messages.allSatisfy { $0.key == "ws-test" })
            _ = try await eventually("the outbox to empty") {
                try await database.pool.read { db in try OutboxRecord.fetchCount(db) } == 0 ? true : nil
            }
        }
    }

    @Test("publishes events enqueued while it is already running")
    func relaysLaterEvents() async throws {
        let fixture = try RelayFixture()
        defer { fixture.directory.remove() }
        let (cluster, database) = (fixture.cluster, fixture.database)
        try await fixture.running {
            let event = EventEnvelope(source: "test", subject: "job-late", workspaceID: "ws-late",
                                      data: CreditsRejected(required: 10, balance: 3))
            try await database.pool.write { db in try Outbox.enqueue(event, in: db) }
            let messages = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.creditsRejected.topic], count: 1)
            #expect(try EventEnvelope<CreditsRejected>.decode(messages[0].value) == event)
        }
    }

    @Test("deletes what the cluster acknowledged in one write per prune interval, not one per batch sent, and the rest at shutdown")
    func prunesOnItsInterval() async throws {
        let fixture = try RelayFixture()
        defer { fixture.directory.remove() }
        let (cluster, database) = (fixture.cluster, fixture.database)
        try await fixture.running(pruneInterval: .seconds(3600)) {
            // Three commits, each read back before the next, so each goes out in a batch of its own.
            for index in 1...3 {
                let event = EventEnvelope(source: "test", subject: "job-\(index)", workspaceID: "ws-prune",
                                          data: VideoSubmitted(provider: "local", predictionID: "prediction-\(index)"))
                try await database.pool.write { db in try Outbox.enqueue(event, in: db) }
                _ = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.videoSubmitted.topic], count: index)
            }
            // Published and acknowledged, but the hour has not passed: still there.
            #expect(try await database.pool.read { db in try OutboxRecord.fetchCount(db) } == 3)
        }
        #expect(try await database.pool.read { db in try OutboxRecord.fetchCount(db) } == 0)
    }

    @Test("times each event from its own time to the cluster's acknowledgement, by service and topic")
    func timesPublication() async throws {
        let fixture = try RelayFixture()
        defer { fixture.directory.remove() }
        let (cluster, database) = (fixture.cluster, fixture.database)
        // A service name of its own: every test in this process shares one metrics registry.
        let service = "relay-timing-\(UUID().uuidString.prefix(8))"
        try await fixture.running(service: service) {
            // A first event through, so that neither the relay's start nor the producer's first
            // connection is in the delays timed below.
            try await database.pool.write { db in
                try Outbox.enqueue(EventEnvelope(source: "test", subject: "warm-up", workspaceID: "ws-timing",
                                                 data: VideoGenerated(provider: "local", predictionID: "p", outputURL: "file:///w.mp4")), in: db)
            }
            _ = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.videoGenerated.topic], count: 1)
            // Two events of now, and one whose time is 45 s back (an event stamped when its cause arrived).
            let times = [Date(), Date(), Date().addingTimeInterval(-45)]
            try await database.pool.write { db in
                for (index, time) in times.enumerated() {
                    try Outbox.enqueue(EventEnvelope(source: "test", subject: "job-\(index)", workspaceID: "ws-timing", time: time,
                                                     data: VideoSubmitted(provider: "local", predictionID: "prediction-\(index)")), in: db)
                }
            }
            _ = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.videoSubmitted.topic], count: 3)
            let buckets = try await eventually("three publications timed") {
                let buckets = publishDelayBuckets(service: service, topic: EventType.videoSubmitted.topic)
                return buckets["+Inf"] == 3 ? buckets : nil
            }
            // Cumulative counts: the two fresh events well under 30 s, the old one between 45 and 60 s.
            #expect(buckets["30.0"] == 2)
            #expect(buckets["60.0"] == 3)
            #expect(publishDelayBuckets(service: service, topic: EventType.creditsRejected.topic).isEmpty)
        }
    }
}

/// The relay's publish-delay histogram for one service and topic, as `/metrics` shows it: cumulative
/// counts by each bucket's `le`.
private func publishDelayBuckets(service: String, topic: String) -> [String: Int] {
    let series = "\(OutboxRelay.publishDelayMetric)_bucket{"
    var buckets: [String: Int] = [:]
    for line in String(decoding: ProcessMetrics.exposition(), as: UTF8.self).split(separator: "\n")
    where line.hasPrefix(series) && line.contains(#"service="\#(service)""#) && line.contains(#"topic="\#(topic)""#) {
        guard let le = line.firstRange(of: #"le=""#), let close = line[le.upperBound...].firstIndex(of: "\""),
              let count = line.split(separator: " ").last.flatMap({ Int($0) }) else { continue }
        buckets[String(line[le.upperBound..<close])] = count
    }
    return buckets
}

/// A fresh service database and mock cluster, and the relay between them.
private struct RelayFixture {
    let directory: TemporaryDirectory
    let cluster: KafkaMockCluster
    let database: ServiceDatabase

    init() throws {
        directory = try TemporaryDirectory()
        cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        database = try ServiceDatabase(path: directory.url.appendingPathComponent("relay.sqlite").path) { _ in }
    }

    /// Runs `body` while a producer and relay run (the relay's own prune interval unless given).
    func running(service: String = "relay-test", pruneInterval: Duration? = nil, _ body: () async throws -> Void) async throws {
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "relay-test", logger: testLogger)
        let relay = if let pruneInterval {
            OutboxRelay(service: service, database: database, producer: producer, logger: testLogger, pruneInterval: pruneInterval)
        } else {
            OutboxRelay(service: service, database: database, producer: producer, logger: testLogger)
        }
        try await withRunningServices([producer, relay], body)
    }
}
