import CRdKafka

/// Which shard holds a workspace: the partition its key goes to on every workspace-keyed topic.
///
/// Every topic has the same partition count and every producer is librdkafka with its consistent
/// partitioner, so a workspace's events are the same partition number on every topic; that number
/// is also the shard of each service that holds the workspace's state (`docs/scaling.md`).
public struct ShardMap: Sendable, Equatable {
    /// Partitions per topic, and so shards per service (`KAFKA_PARTITIONS`).
    public let count: Int

    public init(count: Int) {
        precondition(count > 0, "a topic has at least one partition")
        self.count = count
    }

    /// The shard (and partition) of `key`: CRC32 of its bytes mod `count`, computed by librdkafka's
    /// own consistent partitioner, so it cannot drift from where the producer puts the key.
    public func shard(of key: String) -> Int {
        var key = key
        return key.withUTF8 { bytes in
            Int(rd_kafka_msg_partitioner_consistent(nil, bytes.baseAddress, bytes.count, Int32(count), nil, nil))
        }
    }

    /// Every shard number, `0..<count`.
    public var all: Range<Int> { 0..<count }
}
