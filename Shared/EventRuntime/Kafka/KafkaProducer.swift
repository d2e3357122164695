import BlockingIO
import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Publishes messages through librdkafka and lets callers await their delivery reports.
///
/// It is a `Service`: `run()` drives librdkafka's poll loop (which fires delivery reports) on a
/// dedicated thread, off Swift's cooperative pool, and flushes what is in flight on graceful shutdown.
/// Place it before its users in a `ServiceGroup` so it shuts down after them.
public final class KafkaProducer: Service, Sendable {
    private let handle: KafkaHandle
    private let topics: TopicHandles
    private let logger: Logger
    private let stopped = Mutex(false)

    /// - Parameters:
    ///   - brokers: bootstrap servers, `host:port[,host:port]`.
    ///   - clientID: the name this client reports to the brokers.
    ///   - extraProperties: further librdkafka properties, which override the defaults.
    public init(brokers: String, clientID: String, extraProperties: [String: String] = [:], logger: Logger) throws {
        var properties = [
            "bootstrap.servers": brokers,
            "client.id": clientID,
            "acks": "all",
            // The relay hands over whole batches and waits for their acknowledgement, so there is
            // nothing to gain by lingering: 2 ms here was 2 ms on every event's way to its consumers.
            "linger.ms": "0",
            "message.timeout.ms": "30000",
            // Small produce requests must leave at once: with Nagle's algorithm on, each waited for the
            // broker's delayed ACK (about 40 ms per batch in the webhook benchmark).
            "socket.nagle.disable": "true",
        ]
        properties.merge(extraProperties) { $1 }
        let conf = try KafkaClientConfig.make(properties)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let batch = Unmanaged<DeliveryBatch>.fromOpaque(opaque).takeRetainedValue()
            let error = message.pointee.err
            batch.report(error == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(operation: "delivery", code: error))
        }
        let pointer = try KafkaClientConfig.newHandle(RD_KAFKA_PRODUCER, conf: conf)
        self.handle = KafkaHandle(pointer: pointer, isConsumer: false)
        self.topics = TopicHandles(handle: handle)
        self.logger = logger
    }

    /// Whether the cluster answers a metadata request within `timeout` (for readiness checks). The
    /// blocking call runs on its own thread.
    public func clusterAnswers(timeout: Duration = .seconds(2)) async -> Bool {
        let handle = self.handle
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return await withCheckedContinuation { continuation in
            _ = BlockingThread(name: "roomreel-kafka-metadata") {
                var metadata: UnsafePointer<rd_kafka_metadata>?
                let error = rd_kafka_metadata(handle.pointer, 0, nil, &metadata, milliseconds)
                if let metadata { rd_kafka_metadata_destroy(metadata) }
                continuation.resume(returning: error == RD_KAFKA_RESP_ERR_NO_ERROR)
            }
        }
    }

    /// Enqueues `messages` in order and returns once every one has been acknowledged by the cluster.
    /// Throws the first delivery error; messages of one key keep their order within the partition.
    public func send(_ messages: [OutgoingKafkaMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let batch = DeliveryBatch(count: messages.count, continuation: continuation)
            for (index, message) in messages.enumerated() {
                do {
                    try enqueue(message, batch: batch)
                } catch {
                    // Messages not enqueued will never report: count them as failed now.
                    for _ in index..<messages.count { batch.report(error) }
                    return
                }
            }
        }
    }

    private func enqueue(_ message: OutgoingKafkaMessage, batch: DeliveryBatch) throws {
        let topic = try topics.handle(for: message.topic)
        let opaque = Unmanaged.passRetained(batch).toOpaque()
        var key = Array(message.key.utf8)
        var value = message.value
        while true {
            let result = value.withUnsafeMutableBytes { valueBytes in
                key.withUnsafeMutableBytes { keyBytes in
                    // RD_KAFKA_PARTITION_UA (-1): let the partitioner hash the key; MSG_F_COPY (2): librdkafka copies the bytes.
                    rd_kafka_produce(topic, -1, 2, valueBytes.baseAddress, valueBytes.count,
                                     keyBytes.baseAddress, keyBytes.count, opaque)
                }
            }
            if result == 0 { return }
            let error = rd_kafka_last_error()
            if error == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_poll(handle.pointer, 50)
                continue
            }
            Unmanaged<DeliveryBatch>.fromOpaque(opaque).release()
            throw KafkaError(operation: "produce to \(message.topic)", code: error)
        }
    }

    public func run() async throws {
        // A delivery report wakes the poll at once, so it can wait long: an idle service is not
        // woken ten times a second. Yielding the main queue (the one `rd_kafka_poll` serves) ends
        // the wait at shutdown, or the next one if it is not waiting yet.
        let pollLoop = BlockingThread(name: "kafka-producer-poll") { [self] in
            while !stopped.withLock({ $0 }) {
                rd_kafka_poll(handle.pointer, 5000)
            }
        }
        try? await gracefulShutdown()
        let remaining = rd_kafka_flush(handle.pointer, 10_000)
        if remaining != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.error("Kafka producer shut down with undelivered messages", metadata: ["reason": "\(String(cString: rd_kafka_err2str(remaining)))"])
        }
        stopped.withLock { $0 = true }
        if let main = rd_kafka_queue_get_main(handle.pointer) {
            rd_kafka_queue_yield(main)
            rd_kafka_queue_destroy(main)
        }
        await pollLoop.join()
    }
}

/// Counts down the delivery reports of one `send` call and resumes its caller once, when all are in.
private final class DeliveryBatch: Sendable {
    private struct State {
        var remaining: Int
        var firstError: (any Error)?
        var continuation: CheckedContinuation<Void, any Error>?
    }
    private let state: Mutex<State>

    init(count: Int, continuation: CheckedContinuation<Void, any Error>) {
        state = Mutex(State(remaining: count, firstError: nil, continuation: continuation))
    }

    func report(_ error: (any Error)?) {
        let resume: (CheckedContinuation<Void, any Error>, (any Error)?)? = state.withLock { state in
            state.remaining -= 1
            if state.firstError == nil, let error { state.firstError = error }
            guard state.remaining == 0, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, state.firstError)
        }
        guard let (continuation, error) = resume else { return }
        if let error { continuation.resume(throwing: error) } else { continuation.resume() }
    }
}

/// librdkafka topic handles, created once per topic name and destroyed with the producer.
private final class TopicHandles: Sendable {
    private let handle: KafkaHandle
    private let byName = Mutex<[String: TopicPointer]>([:])

    init(handle: KafkaHandle) { self.handle = handle }

    func handle(for topic: String) throws -> OpaquePointer {
        try byName.withLock { byName in
            if let existing = byName[topic] { return existing.pointer }
            guard let pointer = rd_kafka_topic_new(handle.pointer, topic, nil) else {
                throw KafkaError(operation: "opening topic \(topic)", code: rd_kafka_last_error())
            }
            byName[topic] = TopicPointer(pointer: pointer)
            return pointer
        }
    }

    deinit {
        byName.withLock { byName in
            for topic in byName.values { rd_kafka_topic_destroy(topic.pointer) }
        }
    }
}

/// A topic handle pointer; librdkafka topic handles are safe to use from any thread.
private struct TopicPointer: @unchecked Sendable {
    let pointer: OpaquePointer
}
