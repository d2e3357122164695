import CRdKafka

/// An error reported by librdkafka, or by RoomReel's thin layer over it.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What was being attempted when the error happened.
    public let operation: String
    /// librdkafka's own description of the error.
    public let reason: String

    init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    init(operation: String, code: rd_kafka_resp_err_t) {
        self.init(operation: operation, reason: String(cString: rd_kafka_err2str(code)))
    }

    public var description: String { "Kafka \(operation) failed: \(reason)" }
}
