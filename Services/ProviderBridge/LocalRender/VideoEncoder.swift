import Foundation
import Shared

/// Feeds raw frames to an ffmpeg process that encodes them to H.264 yuv420p mp4 with `+faststart`.
///
/// Frames are drawn and written on a thread of their own (writing to a pipe blocks while x264 catches
/// up), so the drawing in this process and the encoding in ffmpeg run side by side on both cores.
struct VideoEncoder {
    let ffmpegPath: String
    let preset: String
    let quality: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Encodes the frames `composer` draws for `request` into `output`.
    func encode(_ request: RenderRequest, composer: FrameComposer, output: URL, logFile: URL) async throws {
        let (width, height) = request.frameSize
        let (fps, count) = (request.framesPerSecond, request.frameCount)
        let process = Process()
        let arguments = [
            "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "\(width)x\(height)", "-r", String(fps), "-i", "pipe:0",
            "-frames:v", String(count),
            "-c:v", "libx264", "-preset", preset, "-crf", String(quality), "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-an", output.path,
        ]
        if ffmpegPath.contains("/") {
            process.executableURL = URL(fileURLWithPath: ffmpegPath)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [ffmpegPath] + arguments
        }
        let input = Pipe()
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        process.standardInput = input
        process.standardOutput = log
        process.standardError = log

        let (exited, exitContinuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exitContinuation.yield($0.terminationStatus); exitContinuation.finish() }
        try process.run()

        let writeError = WriteOutcome()
        let writer = BlockingThread(name: "roomreel-render-frames") {
            let descriptor = input.fileHandleForWriting.fileDescriptor
            var composer = composer
            var frame = PlanarImage(width: width, height: height)
            for index in 0..<count {
                composer.draw(index, into: &frame)
                if let failure = Self.writeAll(frame.bytes, to: descriptor) {
                    writeError.record(failure)
                    break
                }
            }
            try? input.fileHandleForWriting.close()
        }
        await writer.join()
        var status: Int32 = -1
        for await code in exited { status = code }
        guard status == 0, writeError.failure == nil else {
            let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw Failure(description: "ffmpeg exited with status \(status)\(writeError.failure.map { " (\($0))" } ?? ""): \(output.suffix(2000))")
        }
    }

    /// write(2) until every byte is out; a description of the error otherwise (EPIPE when ffmpeg died).
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return "writing frames failed: \(String(cString: strerror(errno)))"
                }
                offset += written
            }
            return nil
        }
    }

    /// The writer thread's first error, read after it has finished.
    private final class WriteOutcome: @unchecked Sendable {
        // Written by the writer thread before `join()` returns, read after: never concurrently.
        var failure: String?
        func record(_ failure: String) { self.failure = failure }
    }
}
