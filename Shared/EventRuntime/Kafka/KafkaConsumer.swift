import CRdKafka
import Dispatch
import Logging

/// A Kafka group consumer with manual offset storage: an offset is stored (and later auto-committed)
/// only when the caller says the message's effect is durable, so a crash redelivers instead of losing.
///
/// librdkafka's blocking poll runs on a private serial dispatch queue, never on the cooperative pool.
public final class KafkaConsumer: Sendable {
    private let handle: KafkaHandle
    private let queue: DispatchQueue
    private let rebalance: RebalanceBridge?
    public let groupID: String

    /// - Parameters:
    ///   - brokers: bootstrap servers.
    ///   - groupID: the consumer group; one per service, so each service sees every event once.
    ///   - topics: topics to subscribe to.
    ///   - rebalance: told of each assignment change before it takes effect; with it, the group uses
    ///     the range assignor, which gives one member the same partition number of every topic.
    public init(brokers: String, groupID: String, clientID: String, topics: [String], extraProperties: [String: String] = [:],
                rebalance: RebalanceListener? = nil) throws {
        var properties = [
            "bootstrap.servers": brokers,
            "group.id": groupID,
            "client.id": clientID,
            "enable.auto.commit": "true",
            "auto.commit.interval.ms": "1000",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": "earliest",
            "enable.partition.eof": "false",
            // Fetch requests go out at once rather than wait on the broker's delayed ACK (Nagle).
            "socket.nagle.disable": "true",
        ]
        if rebalance != nil { properties["partition.assignment.strategy"] = "range" }
        properties.merge(extraProperties) { $1 }
        let conf = try KafkaClientConfig.make(properties)
        let bridge = rebalance.map(RebalanceBridge.init)
        bridge?.install(on: conf)
        self.rebalance = bridge
        let pointer = try KafkaClientConfig.newHandle(RD_KAFKA_CONSUMER, conf: conf)
        rd_kafka_poll_set_consumer(pointer)
        self.handle = KafkaHandle(pointer: pointer, isConsumer: true)
        self.groupID = groupID
        self.queue = DispatchQueue(label: "kafka-consumer-\(groupID)")

        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, -1)  // RD_KAFKA_PARTITION_UA: the whole topic
        }
        let error = rd_kafka_subscribe(pointer, list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "subscribe to \(topics)", code: error)
        }
    }

    /// Waits up to `timeoutMilliseconds` for messages and returns up to `maximum` of them, in order.
    /// Transient errors that librdkafka reports through the poll are returned as `errors`.
    public func poll(maximum: Int = 100, timeoutMilliseconds: Int32 = 200) async -> (messages: [ConsumedKafkaMessage], errors: [KafkaError]) {
        let handle = self.handle
        return await withCheckedContinuation { continuation in
            queue.async {
                var messages: [ConsumedKafkaMessage] = []
                var errors: [KafkaError] = []
                var timeout = timeoutMilliseconds
                // Errors count towards the bound too: a cluster that is gone reports them without end.
                while messages.count + errors.count < maximum, let raw = rd_kafka_consumer_poll(handle.pointer, timeout) {
                    timeout = 0
                    defer { rd_kafka_message_destroy(raw) }
                    let message = raw.pointee
                    guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                        errors.append(KafkaError(operation: "consume", code: message.err))
                        continue
                    }
                    let value = message.payload.map {
                        Array(UnsafeRawBufferPointer(start: $0, count: message.len))
                    } ?? []
                    let key = message.key.map {
                        String(decoding: UnsafeRawBufferPointer(start: $0, count: message.key_len), as: UTF8.self)
                    }
                    messages.append(ConsumedKafkaMessage(
                        topic: String(cString: rd_kafka_topic_name(message.rkt)),
                        partition: message.partition,
                        offset: message.offset,
                        key: key,
                        value: value
                    ))
                }
                continuation.resume(returning: (messages, errors))
            }
        }
    }

    /// Ends a `poll` that is waiting, or the next one, at once (for shutdown).
    public func wake() {
        guard let queue = rd_kafka_queue_get_consumer(handle.pointer) else { return }
        rd_kafka_queue_yield(queue)
        rd_kafka_queue_destroy(queue)
    }

    /// Marks `message` as fully processed: its offset + 1 is committed with the next auto-commit.
    public func markProcessed(_ message: ConsumedKafkaMessage) throws {
        let list = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let entry = rd_kafka_topic_partition_list_add(list, message.topic, message.partition)
        entry?.pointee.offset = message.offset + 1
        let error = rd_kafka_offsets_store(handle.pointer, list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "store offset", code: error)
        }
    }

    /// Leaves the consumer group (its partitions go to the other members at once instead of after the
    /// session timeout), waiting at most `milliseconds`: with the cluster gone, a close never ends.
    /// Returns whether the consumer closed in time. Call it once, after the last `poll`.
    @discardableResult
    public func close(within milliseconds: Int = 5000) async -> Bool {
        let handle = self.handle
        let rebalance = self.rebalance
        return await withCheckedContinuation { continuation in
            queue.async {
                guard let events = rd_kafka_queue_new(handle.pointer) else { return continuation.resume(returning: false) }
                defer { rd_kafka_queue_destroy(events) }
                if let error = rd_kafka_consumer_close_queue(handle.pointer, events) {
                    rd_kafka_error_destroy(error)
                    return continuation.resume(returning: false)
                }
                let deadline = DispatchTime.now() + .milliseconds(milliseconds)
                while rd_kafka_consumer_closed(handle.pointer) == 0, DispatchTime.now() < deadline {
                    // Rebalance events of the close come here; serving them lets it go on.
                    guard let event = rd_kafka_queue_poll(events, 50) else { continue }
                    if let rebalance, rd_kafka_event_type(event) == RD_KAFKA_EVENT_REBALANCE {
                        rebalance.serve(handle.pointer, rd_kafka_event_error(event), rd_kafka_event_topic_partition_list(event))
                    }
                    rd_kafka_event_destroy(event)
                }
                continuation.resume(returning: rd_kafka_consumer_closed(handle.pointer) != 0)
            }
        }
    }

    /// Commits stored offsets now (on shutdown, so that nothing processed is redone), waiting at most
    /// `milliseconds` for the answer: without a coordinator a commit is never answered. Returns
    /// whether the commit was answered (or there was nothing to commit).
    @discardableResult
    public func commitStoredOffsets(within milliseconds: Int = 5000) async -> Bool {
        let handle = self.handle
        return await withCheckedContinuation { continuation in
            queue.async {
                guard let answers = rd_kafka_queue_new(handle.pointer) else { return continuation.resume(returning: false) }
                defer { rd_kafka_queue_destroy(answers) }
                let error = rd_kafka_commit_queue(handle.pointer, nil, answers, nil, nil)
                guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    return continuation.resume(returning: error == RD_KAFKA_RESP_ERR__NO_OFFSET)
                }
                let deadline = DispatchTime.now() + .milliseconds(milliseconds)
                while DispatchTime.now() < deadline {
                    guard let event = rd_kafka_queue_poll(answers, 50) else { continue }
                    let answered = rd_kafka_event_type(event) == RD_KAFKA_EVENT_OFFSET_COMMIT
                    rd_kafka_event_destroy(event)
                    if answered { return continuation.resume(returning: true) }
                }
                continuation.resume(returning: false)
            }
        }
    }
}
