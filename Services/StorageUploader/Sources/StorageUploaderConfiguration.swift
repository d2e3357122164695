import EventRuntime
import Foundation
import OutboundHTTP
import ServiceSettings

/// storage-uploader's settings.
public struct StorageUploaderConfiguration: Sendable {
    public var common: CommonConfiguration
    /// Address blocks that provider output URLs may reach although not public (`UPLOAD_FETCH_ALLOW`,
    /// CIDRs, comma-separated): for the provider simulators on loopback in development.
    public var fetchAllowed: [IPRange]
    /// The largest video accepted from a provider (`UPLOAD_MAX_VIDEO_MB`, default 2048).
    public var maximumVideoBytes: Int64
    /// How long one download of a provider's output may take (`UPLOAD_DOWNLOAD_TIMEOUT_SECONDS`, default 600).
    public var downloadTimeout: Duration
    /// Tries per download before the output counts as unavailable (`UPLOAD_DOWNLOAD_ATTEMPTS`, default 4).
    public var downloadAttempts: Int
    /// The first wait between download tries, doubled each time (`UPLOAD_RETRY_BASE_MS`, default 1000).
    public var retryBaseDelay: Duration
    /// ffprobe, which must find a video stream and a duration in every output (`FFPROBE_PATH`).
    public var ffprobePath: String
    /// ffmpeg, which crops and trims outputs of another shape or a greater length (`FFMPEG_PATH`).
    public var ffmpegPath: String

    public init(common: CommonConfiguration, fetchAllowed: [IPRange] = [], maximumVideoBytes: Int64 = 2048 << 20,
                downloadTimeout: Duration = .seconds(600), downloadAttempts: Int = 4, retryBaseDelay: Duration = .seconds(1),
                ffprobePath: String = "ffprobe", ffmpegPath: String = "ffmpeg") {
        self.common = common
        self.fetchAllowed = fetchAllowed
        self.maximumVideoBytes = maximumVideoBytes
        self.downloadTimeout = downloadTimeout
        self.downloadAttempts = downloadAttempts
        self.retryBaseDelay = retryBaseDelay
        self.ffprobePath = ffprobePath
        self.ffmpegPath = ffmpegPath
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> StorageUploaderConfiguration {
        StorageUploaderConfiguration(
            common: try .fromEnvironment(environment),
            fetchAllowed: try environment.addressRanges("UPLOAD_FETCH_ALLOW"),
            maximumVideoBytes: Int64(try environment.integer("UPLOAD_MAX_VIDEO_MB", default: 2048, in: 1...100_000)) << 20,
            downloadTimeout: .seconds(try environment.integer("UPLOAD_DOWNLOAD_TIMEOUT_SECONDS", default: 600, in: 1...86_400)),
            downloadAttempts: try environment.integer("UPLOAD_DOWNLOAD_ATTEMPTS", default: 4, in: 1...20),
            retryBaseDelay: .milliseconds(try environment.integer("UPLOAD_RETRY_BASE_MS", default: 1000, in: 0...600_000)),
            ffprobePath: environment.string("FFPROBE_PATH", default: "ffprobe"),
            ffmpegPath: environment.string("FFMPEG_PATH", default: "ffmpeg")
        )
    }
}
