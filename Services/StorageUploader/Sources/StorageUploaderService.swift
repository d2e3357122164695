import EventRuntime
import Foundation
import Logging
import ObjectStorage
import OutboundHTTP
import ServiceLifecycle

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let storageUploaderServiceName = "storage-uploader"

/// storage-uploader's long-running parts, for a service group of its own or for `roomreel dev`. Its
/// inbox and outbox are sharded by workspace (`docs/scaling.md`); uploads are idempotent by key.
public func buildStorageUploaderServices(config: StorageUploaderConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: storageUploaderServiceName)
    let shards = try config.common.shardSet(service: storageUploaderServiceName, logger: logger, migrations: { _ in })
    // The work folder holds only the scratch files of this replica's uploads in progress: none is,
    // before it starts, so whatever a crash left there goes.
    try? FileManager.default.removeItem(at: uploadWorkDirectory(config))
    let handler = buildUploadHandler(config: config, logger: logger)
    return try EventServiceParts(name: storageUploaderServiceName, common: config.common, shards: shards,
                                 handler: handler, logger: logger).services
}

/// The upload handler with the store the configuration chose.
func buildUploadHandler(config: StorageUploaderConfiguration, partFaults: [Int: Int] = [:], logger: Logger) -> UploadHandler {
    let store: any VideoStore = switch config.common.storage {
    case .local: LocalVideoStore(blobs: LocalBlobStore(root: config.common.storageDirectory))
    case .s3(let settings): S3VideoStore(uploader: S3Uploader(client: S3Client(settings: settings), partFaults: partFaults))
    }
    let work = uploadWorkDirectory(config)
    let fetcher = OutboundFetcher(policy: OutboundAddressPolicy(allowed: config.fetchAllowed), maximumBytes: config.maximumVideoBytes,
                                  timeout: config.downloadTimeout)
    return UploadHandler(
        downloader: OutputDownloader(fetcher: fetcher, attempts: config.downloadAttempts, baseDelay: config.retryBaseDelay, workDirectory: work),
        probe: VideoProbe(ffprobePath: config.ffprobePath, workDirectory: work),
        conformer: VideoConformer(ffmpegPath: config.ffmpegPath, workDirectory: work),
        posterFrame: PosterFrame(ffmpegPath: config.ffmpegPath, workDirectory: work),
        store: store, logger: logger)
}

/// Where this replica's uploads keep their scratch files (downloads, conformed copies, probe logs).
func uploadWorkDirectory(_ config: StorageUploaderConfiguration) -> URL {
    config.common.dataDirectory.appendingPathComponent("storage-uploader-work").appendingPathComponent(config.common.replicaID)
}

/// The storage-uploader executable's service group.
public func buildServiceGroup(config: StorageUploaderConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildStorageUploaderServices(config: config),
                             logger: config.common.logger(service: storageUploaderServiceName))
}
