import CRdKafka

/// Owns one `rd_kafka_t` and destroys it when the last reference goes.
///
/// `@unchecked Sendable` because librdkafka's handle is documented as thread-safe for the calls this
/// layer makes (produce, poll, offsets store); the pointer itself never changes after init.
final class KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private let closeConsumer: Bool

    init(pointer: OpaquePointer, isConsumer: Bool) {
        self.pointer = pointer
        self.closeConsumer = isConsumer
    }

    deinit {
        if closeConsumer {
            rd_kafka_consumer_close(pointer)
        }
        rd_kafka_destroy(pointer)
    }
}
