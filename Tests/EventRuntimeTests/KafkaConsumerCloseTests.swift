import EventContracts
import EventRuntime
import Foundation
import Testing
import TestSupport

/// A consumer commits its offsets and leaves its group on shutdown, and a shutdown ends even when the
/// cluster is gone (an operator stopping Kafka and the services together): there librdkafka's own
/// synchronous commit and close are never answered.
@Suite("Kafka consumer shutdown", .timeLimit(.minutes(1)))
struct KafkaConsumerCloseTests {
    /// A consumer that has joined its group and stored the offset of the one message sent to `topic`.
    static func joinedConsumer(_ cluster: KafkaMockCluster, topic: String) async throws -> KafkaConsumer {
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "close-test", logger: testLogger)
        // The services' settings: their 3 s session bounds what librdkafka's destroy waits for. No
        // auto-commit, so the stored offset waits for the commit under test (on a loaded machine the
        // 1 s auto-commit could take it first, leaving nothing to commit).
        let consumer = try KafkaConsumer(brokers: cluster.bootstrapServers, groupID: "close-test", clientID: "close-test", topics: [topic],
                                         extraProperties: KafkaConsumerSettings().properties(groupID: "close-test")
                                            .merging(["enable.auto.commit": "false"]) { $1 })
        try await withRunningServices([producer]) {
            try await producer.send([OutgoingKafkaMessage(topic: topic, key: "ws", value: Array("{}".utf8))])
            let message = try await eventually("the consumer to read the message") {
                await consumer.poll(timeoutMilliseconds: 100).messages.first
            }
            try consumer.markProcessed(message)
        }
        return consumer
    }

    @Test("with the cluster up, the offset is committed and the consumer leaves its group")
    func closesWithTheClusterUp() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, topics: ["close-test"], partitions: 1)
        let consumer = try await Self.joinedConsumer(cluster, topic: "close-test")
        #expect(await consumer.commitStoredOffsets(within: 10_000))
        #expect(await consumer.close(within: 10_000))
    }

    @Test("with the cluster gone, the commit and the close give up at their deadlines and the handle is destroyed")
    func shutdownEndsWithTheClusterGone() async throws {
        var cluster: KafkaMockCluster? = try KafkaMockCluster(brokers: 1, topics: ["close-test"], partitions: 1)
        var consumer: KafkaConsumer? = try await Self.joinedConsumer(try #require(cluster), topic: "close-test")
        cluster = nil
        let started = ContinuousClock.now
        #expect(await consumer?.commitStoredOffsets(within: 1000) == false)
        _ = await consumer?.close(within: 1000)
        consumer = nil
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}
