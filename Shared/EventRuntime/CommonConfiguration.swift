import Foundation
import Logging
import ObjectStorage
import ServiceSettings

/// Settings every service reads: where Kafka is, where its files live, how much to log.
public struct CommonConfiguration: Sendable {
    /// Kafka bootstrap servers (`KAFKA_BROKERS`).
    public var kafkaBrokers: String
    /// Folder for the service's SQLite file and work files (`ROOMREEL_DATA_DIR`, default `./data`).
    public var dataDirectory: URL
    /// Root of local-disk object storage (`ROOMREEL_STORAGE_DIR`, default `<data dir>/storage`).
    public var storageDirectory: URL
    /// Log level (`LOG_LEVEL`: trace, debug, info, notice, warning, error, critical; default info).
    public var logLevel: Logger.Level
    /// Where videos are kept: local disk or an S3 bucket (`STORAGE_BACKEND` and `S3_*`).
    public var storage: StorageConfiguration
    /// Test-only fault points to arm (`ROOMREEL_FAULTS`, comma-separated names).
    public var faults: FaultPoints
    /// The consumers' session timeout, static member name and idle fetch wait
    /// (`KAFKA_SESSION_TIMEOUT_MS`, default 3000; `KAFKA_GROUP_INSTANCE_ID`, unset;
    /// `KAFKA_FETCH_WAIT_MS`, default 500).
    public var consumers: KafkaConsumerSettings

    public init(kafkaBrokers: String, dataDirectory: URL, storageDirectory: URL? = nil,
                logLevel: Logger.Level = .info, storage: StorageConfiguration = .local, faults: FaultPoints = FaultPoints(),
                consumers: KafkaConsumerSettings = KafkaConsumerSettings()) {
        self.kafkaBrokers = kafkaBrokers
        self.consumers = consumers
        self.dataDirectory = dataDirectory
        self.storageDirectory = storageDirectory ?? dataDirectory.appendingPathComponent("storage")
        self.logLevel = logLevel
        self.storage = storage
        self.faults = faults
    }

    /// Reads the common settings; `KAFKA_BROKERS` is required.
    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> CommonConfiguration {
        let dataDirectory = URL(fileURLWithPath: environment.string("ROOMREEL_DATA_DIR", default: "./data"))
        let levelText = environment.string("LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ConfigurationError(variable: "LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical; got '\(levelText)'")
        }
        return CommonConfiguration(
            kafkaBrokers: try environment.requiredString("KAFKA_BROKERS"),
            dataDirectory: dataDirectory,
            storageDirectory: environment.optionalString("ROOMREEL_STORAGE_DIR").map { URL(fileURLWithPath: $0) },
            logLevel: level,
            storage: try StorageConfiguration.fromEnvironment(environment),
            faults: FaultPoints(environment.optionalString("ROOMREEL_FAULTS") ?? ""),
            consumers: KafkaConsumerSettings(
                sessionTimeoutMilliseconds: try environment.integer("KAFKA_SESSION_TIMEOUT_MS", default: 3000, in: 1000...300_000),
                instanceID: environment.optionalString("KAFKA_GROUP_INSTANCE_ID"),
                fetchWaitMilliseconds: try environment.integer("KAFKA_FETCH_WAIT_MS", default: 500, in: 0...60_000))
        )
    }

    /// The SQLite file of the named service.
    public func databasePath(service: String) -> String {
        dataDirectory.appendingPathComponent("\(service).sqlite").path
    }

    /// A logger labelled with the service name at the configured level.
    public func logger(service: String) -> Logger {
        var logger = Logger(label: "roomreel.\(service)")
        logger.logLevel = logLevel
        return logger
    }
}
