import Foundation
import GRDB
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
    /// This replica's name among the service's replicas (`REPLICA_ID`, default `0`: letters, digits,
    /// `-` and `_`); see `docs/scaling.md`.
    public var replicaID: String
    /// The partition count of every topic, and so the shards of each service (`KAFKA_PARTITIONS`, default 3).
    public var shards: ShardMap

    public init(kafkaBrokers: String, dataDirectory: URL, storageDirectory: URL? = nil,
                logLevel: Logger.Level = .info, storage: StorageConfiguration = .local, faults: FaultPoints = FaultPoints(),
                consumers: KafkaConsumerSettings = KafkaConsumerSettings(), replicaID: String = "0", shards: ShardMap = ShardMap(count: 3)) {
        self.kafkaBrokers = kafkaBrokers
        self.consumers = consumers
        self.replicaID = replicaID
        self.shards = shards
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
        let replicaID = environment.string("REPLICA_ID", default: "0")
        guard (1...64).contains(replicaID.count),
              replicaID.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }) else {
            throw ConfigurationError(variable: "REPLICA_ID", problem: "must be 1 to 64 letters, digits, '-' or '_'; got '\(replicaID)'")
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
                fetchWaitMilliseconds: try environment.integer("KAFKA_FETCH_WAIT_MS", default: 500, in: 0...60_000)),
            replicaID: replicaID,
            shards: ShardMap(count: try environment.integer("KAFKA_PARTITIONS", default: 3, in: 1...1024))
        )
    }

    /// The shards of the named service, in its folder of the data directory.
    public func shardSet(service: String, logger: Logger, migrations: @escaping @Sendable (inout DatabaseMigrator) -> Void,
                         onTake: @escaping @Sendable (Int, ServiceDatabase) throws -> Void = { _, _ in },
                         onOpen: @escaping @Sendable (Int, ServiceDatabase) -> Void = { _, _ in }) throws -> ShardSet {
        try ShardSet(service: service, dataDirectory: dataDirectory, map: shards, replica: replicaID, logger: logger,
                     migrations: migrations, onTake: onTake, onOpen: onOpen)
    }

    /// The SQLite file of what this replica of `service` keeps whole (state every replica has all of).
    public func replicaDatabasePath(service: String) -> String {
        dataDirectory.appendingPathComponent(service).appendingPathComponent("replica-\(replicaID).sqlite").path
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
