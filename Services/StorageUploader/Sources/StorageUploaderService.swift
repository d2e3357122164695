import Logging
import ServiceLifecycle
import Shared

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let storageUploaderServiceName = "storage-uploader"

/// storage-uploader's long-running parts, for a service group of its own or for `roomreel dev`.
public func buildStorageUploaderServices(config: StorageUploaderConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: storageUploaderServiceName)
    let database = try ServiceDatabase(path: config.common.databasePath(service: storageUploaderServiceName)) { _ in }
    let handler = UploadHandler(storage: LocalBlobStore(root: config.common.storageDirectory), logger: logger)
    return try EventServiceParts(name: storageUploaderServiceName, common: config.common, database: database,
                                 handler: handler, logger: logger).services
}

/// The storage-uploader executable's service group.
public func buildServiceGroup(config: StorageUploaderConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildStorageUploaderServices(config: config),
                             logger: config.common.logger(service: storageUploaderServiceName))
}
