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

    // MARK: Faults (rdkafka_mock.h), for tests and `roomreel kafka-mock --control-port`

    /// The Kafka request types faults can be pushed for, by protocol name.
    public static let requestTypes: [String: Int16] = [
        "Produce": 0, "Fetch": 1, "ListOffsets": 2, "Metadata": 3, "OffsetCommit": 8, "OffsetFetch": 9, "FindCoordinator": 10,
        "JoinGroup": 11, "Heartbeat": 12, "LeaveGroup": 13, "SyncGroup": 14, "ApiVersions": 18, "InitProducerId": 22,
    ]

    /// librdkafka's error code named `name` (`NOT_LEADER_FOR_PARTITION`, `REQUEST_TIMED_OUT`,
    /// `_TRANSPORT` for a dropped connection, …), or nil.
    public static func errorCode(named name: String) -> Int32? {
        var descriptions: UnsafePointer<rd_kafka_err_desc>?
        var count = 0
        rd_kafka_get_err_descs(&descriptions, &count)
        guard let descriptions else { return nil }
        for index in 0..<count {
            if let known = descriptions[index].name, String(cString: known) == name { return descriptions[index].code.rawValue }
        }
        return nil
    }

    /// Takes `broker` (nil: every broker) down: its connections drop and it refuses new ones. Its
    /// partitions keep it as their leader, so they are unavailable until it is up again or they move.
    public func setBrokerDown(_ broker: Int32?) throws {
        try check(rd_kafka_mock_broker_set_down(cluster, broker ?? -1), "taking broker \(broker.map(String.init) ?? "all") down")
    }

    /// Brings `broker` (nil: every broker) back up.
    public func setBrokerUp(_ broker: Int32?) throws {
        try check(rd_kafka_mock_broker_set_up(cluster, broker ?? -1), "bringing broker \(broker.map(String.init) ?? "all") up")
    }

    /// Delays every answer of `broker` (nil: every broker) by `milliseconds`.
    public func setRoundTripTime(_ broker: Int32?, milliseconds: Int32) throws {
        try check(rd_kafka_mock_broker_set_rtt(cluster, broker ?? -1, milliseconds), "setting broker round-trip time")
    }

    /// Makes `broker` the leader of `topic`'s `partition` (-1: no leader).
    public func setLeader(topic: String, partition: Int32, broker: Int32) throws {
        try check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker), "moving the leader of \(topic)/\(partition)")
    }

    /// Makes `broker` the coordinator of consumer group `group` (a real cluster moves it with the
    /// leader of the group's offsets partition).
    public func setCoordinator(group: String, broker: Int32) throws {
        try check(rd_kafka_mock_coordinator_set(cluster, "group", group, broker), "moving the coordinator of \(group)")
    }

    /// The next `errors.count` requests of type `request` (a protocol ApiKey, see `requestTypes`)
    /// fail with these errors, in order.
    public func pushRequestErrors(request: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, request, buffer.count, buffer.baseAddress)
        }
    }

    private func check(_ error: rd_kafka_resp_err_t, _ operation: String) throws {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(operation: operation, code: error) }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }
}
