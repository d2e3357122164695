import CRdKafka

/// Owns one `rd_kafka_t` and destroys it when the last reference goes.
///
/// `@unchecked Sendable` because librdkafka's handle is documented as thread-safe for the calls this
/// layer makes (produce, poll, offsets store); the pointer itself never changes after init.
final class KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private let isConsumer: Bool

    init(pointer: OpaquePointer, isConsumer: Bool) {
        self.pointer = pointer
        self.isConsumer = isConsumer
    }

    deinit {
        // A consumer leaves its group in `KafkaConsumer.close(within:)`, with a deadline: librdkafka's
        // own close, which `rd_kafka_destroy` would run, waits for ever when the coordinator is gone.
        rd_kafka_destroy_flags(pointer, isConsumer ? RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE : 0)
    }
}
