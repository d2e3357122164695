import Foundation
import Media

/// A poster for a video whose provider gave none: its first frame as a JPEG, so that every stored
/// video has one (the job's `poster_url`, a thumbnail for the compatibility APIs).
struct PosterFrame: Sendable {
    let ffmpegPath: String
    let workDirectory: URL

    /// Writes `video`'s first frame to `output`; false when ffmpeg could not.
    func extract(from video: URL, to output: URL) async -> Bool {
        try? FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let log = workDirectory.appendingPathComponent("poster-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        do {
            try await ExternalProcess.run(ffmpegPath, arguments: [
                "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", video.path, "-frames:v", "1", "-q:v", "3", "-f", "image2", output.path,
            ], logFile: log)
            return FileManager.default.fileExists(atPath: output.path)
        } catch {
            return false
        }
    }
}
