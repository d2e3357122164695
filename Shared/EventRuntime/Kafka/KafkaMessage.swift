/// A message to publish: its topic, its partitioning key and its bytes.
public struct OutgoingKafkaMessage: Sendable, Equatable {
    public var topic: String
    public var key: String
    public var value: [UInt8]

    public init(topic: String, key: String, value: [UInt8]) {
        self.topic = topic
        self.key = key
        self.value = value
    }
}

/// A consumed message, copied out of librdkafka's buffers so it can outlive the poll that produced it.
public struct ConsumedKafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: String?
    public var value: [UInt8]
}
