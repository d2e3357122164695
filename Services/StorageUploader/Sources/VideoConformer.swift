import EventContracts
import Foundation
import Media

/// Makes a provider's output the video the client asked for: cropped to the requested aspect ratio
/// around the focus point when its frame has another shape (never stretched), and trimmed to the
/// requested length when the model generated a longer one. An output that already fits is left as it is.
struct VideoConformer: Sendable {
    let ffmpegPath: String
    let workDirectory: URL

    /// What has to change in a video read as `reading` to deliver `target`.
    struct Plan: Sendable, Equatable {
        /// A window of the output's frame, in pixels.
        struct Crop: Sendable, Equatable {
            var width: Int
            var height: Int
            var x: Int
            var y: Int
        }

        /// The crop; nil when the output's shape is right.
        var crop: Crop?
        /// The length to cut to; nil when it is not longer than asked.
        var trimSeconds: Double?

        var isNeeded: Bool { crop != nil || trimSeconds != nil }
    }

    /// A video longer than asked by up to this much (a frame or two of rounding) is left alone.
    static let durationTolerance = 0.05

    /// The changes that make `reading` into `ratio` and `seconds` (either may be unknown).
    static func plan(for reading: VideoProbe.Reading, ratio: AspectRatio?, seconds: Double?, focus: FocusPoint) -> Plan {
        var plan = Plan()
        if let ratio, AspectRatio.of(width: reading.width, height: reading.height) != ratio {
            let (w, h) = ratio.proportions
            // The largest frame of that shape inside the output, in even pixels (what H.264's 4:2:0 needs).
            var width = min(reading.width, reading.height * w / h)
            var height = width * h / w
            if height > reading.height {
                height = reading.height
                width = height * w / h
            }
            width -= width % 2
            height -= height % 2
            let x = min(max(Int((focus.x * Double(reading.width)).rounded()) - width / 2, 0), reading.width - width)
            let y = min(max(Int((focus.y * Double(reading.height)).rounded()) - height / 2, 0), reading.height - height)
            plan.crop = Plan.Crop(width: width, height: height, x: x - x % 2, y: y - y % 2)
        }
        if let seconds, reading.durationSeconds > seconds + durationTolerance {
            plan.trimSeconds = seconds
        }
        return plan
    }

    /// Writes `input` changed by `plan` to `output` (H.264, the audio kept when there is any).
    func apply(_ plan: Plan, to input: URL, output: URL) async throws(RoomReelError) {
        try? FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let log = workDirectory.appendingPathComponent("conform-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        var arguments = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", input.path, "-map", "0:v:0", "-map", "0:a?"]
        if let seconds = plan.trimSeconds { arguments += ["-t", String(format: "%.3f", seconds)] }
        var filters: [String] = []
        if let crop = plan.crop { filters.append("crop=\(crop.width):\(crop.height):\(crop.x):\(crop.y)") }
        filters.append("format=yuv420p")
        arguments += ["-vf", filters.joined(separator: ","), "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
                      "-c:a", "aac", "-movflags", "+faststart", "-f", "mp4", output.path]
        do {
            try await ExternalProcess.run(ffmpegPath, arguments: arguments, logFile: log)
        } catch {
            throw RoomReelError(.outputInvalid, "the provider's output could not be cropped or trimmed: \(error)")
        }
    }
}
