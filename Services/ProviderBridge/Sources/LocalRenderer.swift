import Foundation
import Shared

/// RoomReel's own video model: camera moves over a still photo, encoded to H.264 mp4 by ffmpeg.
struct LocalRenderer: Sendable {
    static let providerName = "local"
    static let framesPerSecond = 30
    /// How far `zoom_in` / `zoom_out` travel, and how much a pan crops to have room to move.
    static let zoomFactor = 1.3
    static let panZoom = 1.2

    let ffmpegPath: String

    /// Renders `motion` over the image at `input` into an mp4 at `output`.
    func render(motion: CameraMotion, input: URL, output: URL, aspectRatio: AspectRatio, durationSeconds: Double, logFile: URL) async throws {
        let (width, height) = aspectRatio.size720p
        let frames = max(2, Int((durationSeconds * Double(Self.framesPerSecond)).rounded()))
        let arguments = [
            "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-i", input.path,
            "-filter_complex", Self.filterGraph(motion: motion, width: width, height: height, frames: frames),
            "-frames:v", String(frames), "-r", String(Self.framesPerSecond),
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-an",
            output.path,
        ]
        try await ExternalProcess.run(ffmpegPath, arguments: arguments, logFile: logFile)
    }

    /// The filter graph: crop the photo to the target ratio around its centre (never stretch), upscale
    /// it 2× so that zoompan's integer crop positions move in sub-pixel steps of the output (no jitter),
    /// then move the camera along an ease-in-out path.
    static func filterGraph(motion: CameraMotion, width: Int, height: Int, frames: Int) -> String {
        // Eased progress 0 → 1 over the clip: (1 - cos(pi * t)) / 2.
        let eased = "((1-cos(PI*on/\(frames - 1)))/2)"
        let centreX = "(iw/2-iw/zoom/2)"
        let centreY = "(ih/2-ih/zoom/2)"
        let (zoom, x, y): (String, String, String) = switch motion {
        case .zoomIn, .combiningMotions, .lookUp, .lookDown, .rotateCW, .rotateCCW:
            ("1+\(zoomFactor - 1)*\(eased)", centreX, centreY)
        case .zoomOut, .cameraPullback:
            ("\(zoomFactor)-\(zoomFactor - 1)*\(eased)", centreX, centreY)
        case .panLeftRight:
            ("\(panZoom)", "(iw-iw/zoom)*\(eased)", centreY)
        case .panUp:
            ("\(panZoom)", centreX, "(ih-ih/zoom)*(1-\(eased))")
        case .panDown:
            ("\(panZoom)", centreX, "(ih-ih/zoom)*\(eased)")
        }
        return [
            "[0:v]crop=w='min(iw,ih*\(width)/\(height))':h='min(ih,iw*\(height)/\(width))'",
            "scale=\(width * 2):\(height * 2):flags=lanczos",
            "zoompan=z='\(zoom)':x='\(x)':y='\(y)':d=\(frames):s=\(width)x\(height):fps=\(framesPerSecond)",
            "format=yuv420p[out]",
        ].joined(separator: ",").replacingOccurrences(of: "[out]", with: "")
    }
}
