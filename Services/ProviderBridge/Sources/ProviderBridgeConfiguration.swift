import Foundation
import Shared

/// provider-bridge's settings.
public struct ProviderBridgeConfiguration: Sendable {
    public var common: CommonConfiguration
    /// The ffmpeg binary the local renderer runs (`FFMPEG_PATH`, default `ffmpeg` on PATH).
    public var ffmpegPath: String
    /// How many local renders run at once (`BRIDGE_LOCAL_RENDER_CONCURRENCY`, default 1: ffmpeg already
    /// uses every core).
    public var localRenderConcurrency: Int

    public init(common: CommonConfiguration, ffmpegPath: String = "ffmpeg", localRenderConcurrency: Int = 1) {
        self.common = common
        self.ffmpegPath = ffmpegPath
        self.localRenderConcurrency = localRenderConcurrency
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> ProviderBridgeConfiguration {
        ProviderBridgeConfiguration(
            common: try .fromEnvironment(environment),
            ffmpegPath: environment.string("FFMPEG_PATH", default: "ffmpeg"),
            localRenderConcurrency: try environment.integer("BRIDGE_LOCAL_RENDER_CONCURRENCY", default: 1, in: 1...16)
        )
    }

    /// Where finished local renders wait for storage-uploader to collect them.
    var renderDirectory: URL { common.dataDirectory.appendingPathComponent("renders") }
}
