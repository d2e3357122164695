import CRdKafka

/// What a consumer tells its owner when its group gives it partitions or takes them away: the
/// partition numbers, which for co-partitioned topics under the range assignor are the same for
/// every topic it reads. Called on the consumer's own thread, inside its poll (or its close),
/// before the assignment takes effect: no message of an assigned partition is handed out before
/// `assigned` returns.
public struct RebalanceListener: Sendable {
    public var assigned: @Sendable (Set<Int32>) -> Void
    public var revoked: @Sendable (Set<Int32>) -> Void

    public init(assigned: @escaping @Sendable (Set<Int32>) -> Void, revoked: @escaping @Sendable (Set<Int32>) -> Void) {
        self.assigned = assigned
        self.revoked = revoked
    }
}

/// The listener behind librdkafka's rebalance callback (its `opaque`), kept alive by the consumer.
final class RebalanceBridge: Sendable {
    let listener: RebalanceListener

    init(_ listener: RebalanceListener) {
        self.listener = listener
    }

    /// Installs the bridge as `conf`'s rebalance callback. `self` must outlive the client handle.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, opaque in
            guard let handle, let opaque else { return }
            Unmanaged<RebalanceBridge>.fromOpaque(opaque).takeUnretainedValue().serve(handle, error, partitions)
        }
    }

    /// Tells the listener, then applies the (eager) assignment change, as librdkafka requires of a
    /// rebalance callback or a rebalance event.
    func serve(_ handle: OpaquePointer, _ error: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let numbers = partitions.map { list in
            Set((0..<Int(list.pointee.cnt)).map { list.pointee.elems[$0].partition })
        } ?? []
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            listener.assigned(numbers)
            rd_kafka_assign(handle, partitions)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            listener.revoked(numbers)
            rd_kafka_assign(handle, nil)
        default:
            listener.revoked(numbers)
            rd_kafka_assign(handle, nil)
        }
    }
}
