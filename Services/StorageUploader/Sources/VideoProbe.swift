import EventContracts
import Foundation
import Media

/// Checks that a file is a playable MP4 before anyone is told it is: its first box is `ftyp`, and
/// ffprobe finds a video stream, its frame size and a positive duration in it.
struct VideoProbe: Sendable {
    let ffprobePath: String
    let workDirectory: URL

    /// What ffprobe read of a video.
    struct Reading: Sendable, Equatable {
        var durationSeconds: Double
        var width: Int
        var height: Int
    }

    /// The video's duration and frame size, or `OUTPUT_INVALID` saying what is wrong.
    func read(_ file: URL) async throws(RoomReelError) -> Reading {
        guard Self.startsWithFileTypeBox(file) else {
            throw RoomReelError(.outputInvalid, "the provider's output is not an MP4 (no ftyp box)")
        }
        try? FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let log = workDirectory.appendingPathComponent("ffprobe-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        do {
            try await ExternalProcess.run(ffprobePath, arguments: [
                "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_type,width,height:format=duration",
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
        guard let width = fields["width"].flatMap(Int.init), let height = fields["height"].flatMap(Int.init), width > 0, height > 0 else {
            throw RoomReelError(.outputInvalid, "the provider's output has no frame size")
        }
        return Reading(durationSeconds: duration, width: width, height: height)
    }

    private static func startsWithFileTypeBox(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 12), header.count == 12 else { return false }
        return Array(header[4..<8]) == Array("ftyp".utf8)
    }
}
