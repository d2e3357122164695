/// How a service's consumers belong to their groups (and so how fast a group notices a member
/// gone), and how long an idle fetch waits at the broker.
///
/// A killed consumer holds its partitions until the group coordinator gives up on it, after the
/// session timeout; librdkafka's default (45 s) stalled a restarted service's whole stage that long.
/// With static membership (`group.instance.id`, honoured by real Kafka) a restarted member takes its
/// partitions back without a rebalance at all; the mock cluster ignores it, so the short session
/// timeout is what brings a restart back within seconds there.
///
/// A fetch that finds nothing waits at the broker up to `fetchWaitMilliseconds` for data. Kafka
/// answers as soon as data arrives, so a long wait costs no latency and keeps an idle consumer
/// quiet; librdkafka's mock cluster answers an empty fetch only when the wait is over, so there the
/// wait is the latency of every hop that was idle (`roomreel dev` and the tests set it short).
public struct KafkaConsumerSettings: Sendable, Equatable {
    /// `session.timeout.ms`: how long a silent member keeps its partitions.
    public var sessionTimeoutMilliseconds: Int
    /// This replica's static member name, suffixed per consumer group; nil for dynamic membership.
    public var instanceID: String?
    /// `fetch.wait.max.ms`: how long the broker may hold a fetch that found nothing.
    public var fetchWaitMilliseconds: Int

    public init(sessionTimeoutMilliseconds: Int = 3000, instanceID: String? = nil, fetchWaitMilliseconds: Int = 500) {
        self.sessionTimeoutMilliseconds = sessionTimeoutMilliseconds
        self.instanceID = instanceID
        self.fetchWaitMilliseconds = fetchWaitMilliseconds
    }

    /// The librdkafka properties of a consumer in `groupID`: heartbeats at a third of the session
    /// timeout, so that two can be lost before the member is.
    public func properties(groupID: String) -> [String: String] {
        var properties = [
            "session.timeout.ms": String(sessionTimeoutMilliseconds),
            "heartbeat.interval.ms": String(max(100, sessionTimeoutMilliseconds / 3)),
            "fetch.wait.max.ms": String(fetchWaitMilliseconds),
        ]
        if let instanceID { properties["group.instance.id"] = "\(instanceID).\(groupID)" }
        return properties
    }
}
