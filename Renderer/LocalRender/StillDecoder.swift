import EventContracts
import Foundation
import Media

/// Turns photos into prepared stills in one ffmpeg run: upright (EXIF orientation applied), cropped
/// to the output's aspect ratio around the focus point (never stretched), scaled with lanczos to
/// `size`, as YUV 4:2:0 in limited range, the way the encoder wants them.
struct StillDecoder {
    let ffmpegPath: String

    func decode(_ images: [URL], orientations: [ImageOrientation], focus: FocusPoint,
                size: (width: Int, height: Int), raw: URL, logFile: URL) async throws -> [PlanarImage] {
        defer { try? FileManager.default.removeItem(at: raw) }
        var arguments = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
        for image in images {
            // Orientation is applied below; keep ffmpeg from applying it a second time.
            arguments += ["-noautorotate", "-i", image.path]
        }
        var chains = images.indices.map { index in
            Self.preparation(input: index, orientation: orientations[index], focus: focus, size: size) + "[still\(index)]"
        }
        chains.append(images.indices.map { "[still\($0)]" }.joined() + "concat=n=\(images.count):v=1:a=0[stills]")
        // passthrough: one output frame per photo, whatever timestamps the image demuxers gave them.
        arguments += ["-filter_complex", chains.joined(separator: ";"), "-map", "[stills]", "-fps_mode", "passthrough",
                      "-f", "rawvideo", "-pix_fmt", "yuv420p", raw.path]
        try await ExternalProcess.run(ffmpegPath, arguments: arguments, logFile: logFile)

        let bytes = [UInt8](try Data(contentsOf: raw))
        let frameBytes = PlanarImage.byteCount(width: size.width, height: size.height)
        guard bytes.count == frameBytes * images.count else {
            throw RoomReelError(.generationFailed, "decoding the photos gave \(bytes.count) bytes, expected \(frameBytes * images.count)")
        }
        return (0..<images.count).map { index in
            PlanarImage(width: size.width, height: size.height, bytes: Array(bytes[(index * frameBytes)..<((index + 1) * frameBytes)]))
        }
    }

    /// The ffmpeg filter chain that prepares input `input`.
    static func preparation(input: Int, orientation: ImageOrientation, focus: FocusPoint, size: (width: Int, height: Int)) -> String {
        let filters = orientation.ffmpegFilters + [
            "crop=w='min(iw,ih*\(size.width)/\(size.height))':h='min(ih,iw*\(size.height)/\(size.width))'"
                + ":x='clip(\(number(focus.x))*iw-ow/2,0,iw-ow)':y='clip(\(number(focus.y))*ih-oh/2,0,ih-oh)'",
            "scale=\(size.width):\(size.height):flags=lanczos",
            "setsar=1",
            "format=yuv420p",
        ]
        return "[\(input):v]" + filters.joined(separator: ",")
    }

    /// Where `focus` (a point of the upright photo) lies in its prepared still: the crop centres on it
    /// unless that would leave the photo, so near an edge it moves off the still's centre.
    static func focusInStill(_ focus: FocusPoint, photo: ImageHeader, size: (width: Int, height: Int)) -> FocusPoint {
        let (width, height) = photo.orientation.swapsDimensions
            ? (Double(photo.height), Double(photo.width)) : (Double(photo.width), Double(photo.height))
        let cropWidth = min(width, height * Double(size.width) / Double(size.height))
        let cropHeight = min(height, width * Double(size.height) / Double(size.width))
        func within(_ fraction: Double, length: Double, crop: Double) -> Double {
            let origin = min(max(fraction * length - crop / 2, 0), length - crop)
            return (fraction * length - origin) / crop
        }
        return FocusPoint(x: within(focus.x, length: width, crop: cropWidth), y: within(focus.y, length: height, crop: cropHeight))
    }

    static func number(_ value: Double) -> String {
        String(format: "%.9f", value)
    }
}
