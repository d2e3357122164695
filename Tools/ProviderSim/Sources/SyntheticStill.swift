import Foundation
import Media

/// A made-up photo for text-to-video jobs, which come with no photo: ffmpeg's `testsrc2` pattern
/// (colour bars, a moving gradient and a counter), one 1280×720 PNG, made once.
enum SyntheticStill {
    static func write(to file: URL, ffmpegPath: String) async throws -> URL {
        if FileManager.default.fileExists(atPath: file.path) { return file }
        try await ExternalProcess.run(ffmpegPath, arguments: ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720",
                                                              "-frames:v", "1", file.path],
                                      logFile: file.deletingPathExtension().appendingPathExtension("log"))
        return file
    }
}
