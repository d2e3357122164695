import Foundation
import Media

/// Feeds raw frames to an ffmpeg process that encodes them to H.264 yuv420p mp4 with `+faststart`.
///
/// Frames are drawn on the thread that writes them to ffmpeg's input, so the drawing in this process
/// and the encoding in ffmpeg run side by side on both cores.
struct VideoEncoder {
    let ffmpegPath: String
    let preset: String
    let quality: Int

    /// Encodes the frames `composer` draws for `request` into `output`; `progress` hears each tenth
    /// of the frames handed to ffmpeg (10 … 90 percent).
    func encode(_ request: RenderRequest, composer: FrameComposer, output: URL, logFile: URL,
                progress: (@Sendable (Int) -> Void)? = nil) async throws {
        let (width, height) = request.frameSize
        let (fps, count) = (request.framesPerSecond, request.frameCount)
        let arguments = [
            "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "\(width)x\(height)", "-r", String(fps), "-i", "pipe:0",
            "-frames:v", String(count),
            "-c:v", "libx264", "-preset", preset, "-crf", String(quality), "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-an", output.path,
        ]
        try await ExternalProcess.run(ffmpegPath, arguments: arguments, logFile: logFile) { input in
            var composer = composer
            var frame = PlanarImage(width: width, height: height)
            var reported = 0
            for index in 0..<count {
                composer.draw(index, into: &frame)
                guard input.write(frame.bytes) else { return }
                let tenths = (index + 1) * 10 / count
                if tenths > reported, tenths < 10 {
                    reported = tenths
                    progress?(tenths * 10)
                }
            }
        }
    }
}
