import Foundation
import TestSupport

/// Test photos with structure the checks can see: a colour gradient (never near black), a grid of
/// grey lines every 64 px, and a bright marker square. Written as PPM, converted by ffmpeg.
enum SyntheticPhoto {
    struct Options {
        var width: Int
        var height: Int
        /// Marker centre as fractions of width and height.
        var marker: (x: Double, y: Double) = (0.5, 0.2)
        /// More marker squares of the same size, for checks that follow several points.
        var moreMarkers: [(x: Double, y: Double)] = []
        /// Flips the gradient, making a clearly different "after" photo.
        var inverted = false
    }

    /// Writes the photo as `name` (extension picks the format: .png or .jpg) in `directory`.
    static func write(_ options: Options, name: String, in directory: URL) throws -> URL {
        let (w, h) = (options.width, options.height)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        let markerSize = max(w, h) / 25
        let markers = ([options.marker] + options.moreMarkers).map { (x: Int($0.x * Double(w)), y: Int($0.y * Double(h))) }
        for y in 0..<h {
            for x in 0..<w {
                var fx = Double(x) / Double(w), fy = Double(y) / Double(h)
                if options.inverted { (fx, fy) = (1 - fx, 1 - fy) }
                var rgb = (60 + 150 * fx, 60 + 150 * fy, 120 + 60 * fx * fy)
                if x % 64 < 3 || y % 64 < 3 { rgb = (90, 90, 90) }
                if markers.contains(where: { abs(x - $0.x) < markerSize && abs(y - $0.y) < markerSize }) { rgb = (255, 255, 255) }
                let index = (y * w + x) * 3
                pixels[index] = UInt8(rgb.0)
                pixels[index + 1] = UInt8(rgb.1)
                pixels[index + 2] = UInt8(rgb.2)
            }
        }
        let ppm = directory.appendingPathComponent("\(name).ppm")
        try (Data("P6\n\(w) \(h)\n255\n".utf8) + Data(pixels)).write(to: ppm)
        defer { try? FileManager.default.removeItem(at: ppm) }
        let output = directory.appendingPathComponent(name)
        let result = try runTool("ffmpeg", ["-v", "error", "-y", "-i", ppm.path, "-q:v", "2", output.path])
        guard result.status == 0 else { throw ToolFailure(output: result.output) }
        return output
    }

    /// Inserts an EXIF APP1 segment with `orientation` right after a JPEG's SOI marker.
    static func settingEXIFOrientation(_ orientation: Int, of jpeg: URL, bigEndian: Bool = true) throws {
        var bytes = [UInt8](try Data(contentsOf: jpeg))
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? [0, 0] + u16(v) : u16(v) + [0, 0] }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)            // magic, offset of IFD0
        tiff += u16(1)                      // one entry
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]  // Orientation, SHORT, count 1
        tiff += u32(0)                      // no next IFD
        let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
        bytes.insert(contentsOf: segment, at: 2)
        try Data(bytes).write(to: jpeg)
    }
}
