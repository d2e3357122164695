import EventContracts
import Foundation
import Media

/// Checks that a file is a playable MP4 before anyone is told it is: its first box is `ftyp`, and
/// ffprobe finds a video stream and a positive duration in it.
struct VideoProbe: Sendable {
    let ffprobePath: String
    let workDirectory: URL

    /// The video's duration in seconds, or `OUTPUT_INVALID` saying what is wrong.
    func duration(of file: URL) async throws(RoomReelError) -> Double {
        guard Self.startsWithFileTypeBox(file) else {
            throw RoomReelError(.outputInvalid, "the provider's output is not an MP4 (no ftyp box)")
        }
        try? FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let log = workDirectory.appendingPathComponent("ffprobe-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        do {
            try await ExternalProcess.run(ffprobePath, arguments: [
                "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_type:format=duration",
                "-of", "default=noprint_wrappers=1", file.path,
            ], logFile: log)
        } catch {
            throw RoomReelError(.outputInvalid, "ffprobe cannot read the provider's output: \(error)")
        }
        var fields: [String: String] = [:]
        for line in ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard fields["codec_type"] == "video" else {
            throw RoomReelError(.outputInvalid, "the provider's output has no video stream")
        }
        guard let duration = fields["duration"].flatMap(Double.init), duration > 0 else {
            throw RoomReelError(.outputInvalid, "the provider's output has no duration")
        }
        return duration
    }

    private static func startsWithFileTypeBox(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 12), header.count == 12 else { return false }
        return Array(header[4..<8]) == Array("ftyp".utf8)
    }
}
