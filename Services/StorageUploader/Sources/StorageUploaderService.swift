import EventRuntime
import Foundation
import Logging
import ObjectStorage
import OutboundHTTP
import ServiceLifecycle

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let storageUploaderServiceName = "storage-uploader"

/// storage-uploader's long-running parts, for a service group of its own or for `roomreel dev`.
public func buildStorageUploaderServices(config: StorageUploaderConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: storageUploaderServiceName)
    let database = try ServiceDatabase(path: config.common.databasePath(service: storageUploaderServiceName)) { _ in }
    // The work folder holds only the scratch files of uploads in progress: none is, before the
    // service starts, so whatever a crash left there goes.
    try? FileManager.default.removeItem(at: uploadWorkDirectory(config))
    let handler = buildUploadHandler(config: config, logger: logger)
    return try EventServiceParts(name: storageUploaderServiceName, common: config.common, database: database,
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

/// Where uploads keep their scratch files (downloads, conformed copies, probe logs).
func uploadWorkDirectory(_ config: StorageUploaderConfiguration) -> URL {
    config.common.dataDirectory.appendingPathComponent("storage-uploader-work")
}

/// The storage-uploader executable's service group.
public func buildServiceGroup(config: StorageUploaderConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildStorageUploaderServices(config: config),
                             logger: config.common.logger(service: storageUploaderServiceName))
}
