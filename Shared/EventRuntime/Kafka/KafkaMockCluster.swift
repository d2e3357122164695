import CRdKafka

/// An in-process librdkafka mock cluster: real Kafka wire protocol on loopback, no broker to install.
///
/// Used by `roomreel dev`, by `roomreel kafka-mock` and by tests. The cluster lives as long as this object.
public final class KafkaMockCluster: @unchecked Sendable {
    // The mock cluster is owned by (and must be destroyed before) the client handle that created it.
    private let owner: OpaquePointer
    private let cluster: OpaquePointer

    /// The cluster's bootstrap servers, `127.0.0.1:port,...`.
    public let bootstrapServers: String

    /// Starts a cluster of `brokers` brokers and creates `topics` with `partitions` partitions each.
    public init(brokers: Int = 3, topics: [String] = [], partitions: Int = 3) throws {
        // The mock brokers' sockets take this handle's settings: with Nagle's algorithm on, every small
        // answer waited for the client's delayed ACK, about 40 ms per produce or fetch round trip.
        let conf = try KafkaClientConfig.make(["log_level": "3", "socket.nagle.disable": "true"])
        owner = try KafkaClientConfig.newHandle(RD_KAFKA_PRODUCER, conf: conf)
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaError(operation: "starting mock cluster", reason: "rd_kafka_mock_cluster_new returned NULL")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        for topic in topics {
            try createTopic(topic, partitions: partitions)
        }
    }

    /// Creates a topic on the mock cluster.
    public func createTopic(_ name: String, partitions: Int = 3) throws {
        let error = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "creating topic \(name)", code: error)
        }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }
}
