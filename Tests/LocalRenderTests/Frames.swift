import Foundation
import TestSupport

/// One decoded video frame or image in 8-bit luma, for checks on what the pixels show.
struct GrayFrame {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }

    /// The region `x..<x+w`, `y..<y+h` (fractional edges sampled bilinearly), resized to `outWidth`×`outHeight`.
    func resampled(x: Double, y: Double, w: Double, h: Double, outWidth: Int, outHeight: Int) -> GrayFrame {
        var out = [UInt8](repeating: 0, count: outWidth * outHeight)
        for oy in 0..<outHeight {
            let sy = min(max(y + (Double(oy) + 0.5) * h / Double(outHeight) - 0.5, 0), Double(height - 1))
            let y0 = Int(sy), y1 = min(y0 + 1, height - 1), fy = sy - Double(y0)
            for ox in 0..<outWidth {
                let sx = min(max(x + (Double(ox) + 0.5) * w / Double(outWidth) - 0.5, 0), Double(width - 1))
                let x0 = Int(sx), x1 = min(x0 + 1, width - 1), fx = sx - Double(x0)
                let top = Double(self[x0, y0]) * (1 - fx) + Double(self[x1, y0]) * fx
                let bottom = Double(self[x0, y1]) * (1 - fx) + Double(self[x1, y1]) * fx
                out[oy * outWidth + ox] = UInt8((top * (1 - fy) + bottom * fy).rounded())
            }
        }
        return GrayFrame(width: outWidth, height: outHeight, pixels: out)
    }

    /// The frame shrunk by a whole `factor`, each output pixel the mean of a `factor`×`factor` block
    /// (no aliasing of thin lines, unlike point sampling).
    func shrunk(by factor: Int) -> GrayFrame {
        let (outWidth, outHeight) = (width / factor, height / factor)
        var out = [UInt8](repeating: 0, count: outWidth * outHeight)
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                var total = 0
                for y in (oy * factor)..<(oy * factor + factor) {
                    for x in (ox * factor)..<(ox * factor + factor) { total += Int(pixels[y * width + x]) }
                }
                out[oy * outWidth + ox] = UInt8(total / (factor * factor))
            }
        }
        return GrayFrame(width: outWidth, height: outHeight, pixels: out)
    }

    /// The whole frame resized.
    func resized(to outWidth: Int, _ outHeight: Int) -> GrayFrame {
        resampled(x: 0, y: 0, w: Double(width), h: Double(height), outWidth: outWidth, outHeight: outHeight)
    }

    /// Mean absolute difference with a frame of the same size, ignoring a margin of `margin` pixels.
    func meanAbsoluteDifference(_ other: GrayFrame, margin: Int = 0) -> Double {
        precondition(width == other.width && height == other.height)
        var total = 0
        var count = 0
        for y in margin..<(height - margin) {
            for x in margin..<(width - margin) {
                total += abs(Int(self[x, y]) - Int(other[x, y]))
                count += 1
            }
        }
        return Double(total) / Double(count)
    }

    /// How far the content moved from `other` to `self` along one axis: the shift `s` for which
    /// `self[p + s] ≈ other[p]` best, searched over `range` by mean absolute difference.
    func shift(from other: GrayFrame, horizontal: Bool, range: ClosedRange<Int>) -> Int {
        var best = (shift: 0, score: Double.infinity)
        for s in range {
            var total = 0
            var count = 0
            for y in stride(from: max(0, horizontal ? 0 : -s), to: min(height, horizontal ? height : height - s), by: 1) {
                for x in stride(from: max(0, horizontal ? -s : 0), to: min(width, horizontal ? width - s : width), by: 1) {
                    let moved = horizontal ? self[x + s, y] : self[x, y + s]
                    total += abs(Int(moved) - Int(other[x, y]))
                    count += 1
                }
            }
            let score = Double(total) / Double(max(count, 1))
            if score < best.score { best = (s, score) }
        }
        return best.shift
    }

    /// The mean of each column: a horizontal profile that keeps sub-pixel detail of horizontal motion.
    var columnMeans: [Double] {
        var sums = [Double](repeating: 0, count: width)
        for y in 0..<height {
            for x in 0..<width { sums[x] += Double(pixels[y * width + x]) }
        }
        return sums.map { $0 / Double(height) }
    }

    /// Centroid of the pixels brighter than `threshold` (within `columns` and `rows`, the whole frame
    /// by default), or nil when there are none.
    func centroid(brighterThan threshold: UInt8, columns: Range<Int>? = nil, rows: Range<Int>? = nil) -> (x: Double, y: Double)? {
        var (sumX, sumY, count) = (0, 0, 0)
        for y in rows ?? 0..<height {
            for x in columns ?? 0..<width where self[x, y] > threshold {
                sumX += x
                sumY += y
                count += 1
            }
        }
        return count == 0 ? nil : (Double(sumX) / Double(count), Double(sumY) / Double(count))
    }

    /// Pixels darker than `threshold` in the outermost `depth` rows and columns.
    func darkBorderPixels(below threshold: UInt8, depth: Int = 2) -> Int {
        var dark = 0
        for y in 0..<height {
            let columns = (y < depth || y >= height - depth) ? Array(0..<width) : Array(0..<depth) + Array((width - depth)..<width)
            for x in columns where self[x, y] < threshold {
                dark += 1
            }
        }
        return dark
    }
}

/// How far a 1-D profile moved relative to `reference`, to a fraction of a pixel: the integer shift
/// with the least mean absolute difference within `range`, refined by a parabola through its neighbours.
func subpixelShift(of profile: [Double], from reference: [Double], range: ClosedRange<Int>) -> Double {
    func cost(_ shift: Int) -> Double {
        var total = 0.0
        var count = 0
        for x in max(0, -shift)..<min(reference.count, profile.count - shift) {
            total += abs(profile[x + shift] - reference[x])
            count += 1
        }
        return total / Double(max(count, 1))
    }
    let costs = range.map { ($0, cost($0)) }
    let best = costs.min { $0.1 < $1.1 }!.0
    let (left, centre, right) = (cost(best - 1), cost(best), cost(best + 1))
    let curvature = left - 2 * centre + right
    return Double(best) + (curvature > 0 ? 0.5 * (left - right) / curvature : 0)
}

enum Frames {
    /// Decodes every frame of `video` (or those `select` picks, an ffmpeg select expression) as luma.
    static func decode(_ video: URL, width: Int, height: Int, select: String? = nil) throws -> [GrayFrame] {
        let raw = video.deletingPathExtension().appendingPathExtension("gray-\(UUID().uuidString).raw")
        defer { try? FileManager.default.removeItem(at: raw) }
        var arguments = ["-v", "error", "-y", "-i", video.path]
        if let select { arguments += ["-vf", "select='\(select)'", "-vsync", "0"] }
        arguments += ["-f", "rawvideo", "-pix_fmt", "gray", raw.path]
        let result = try runTool("ffmpeg", arguments)
        guard result.status == 0 else { throw ToolFailure(output: result.output) }
        let bytes = try [UInt8](Data(contentsOf: raw))
        let size = width * height
        return stride(from: 0, to: bytes.count - size + 1, by: size).map {
            GrayFrame(width: width, height: height, pixels: Array(bytes[$0..<$0 + size]))
        }
    }

    /// Decodes the frames `select` picks (an ffmpeg select expression) in colour, as limited-range YUV 4:2:0.
    static func decodeColour(_ video: URL, width: Int, height: Int, select: String) throws -> [ColourFrame] {
        let raw = video.deletingPathExtension().appendingPathExtension("yuv-\(UUID().uuidString).raw")
        defer { try? FileManager.default.removeItem(at: raw) }
        let result = try runTool("ffmpeg", ["-v", "error", "-y", "-i", video.path, "-vf", "select='\(select)'", "-vsync", "0",
                                            "-f", "rawvideo", "-pix_fmt", "yuv420p", raw.path])
        guard result.status == 0 else { throw ToolFailure(output: result.output) }
        let bytes = try [UInt8](Data(contentsOf: raw))
        let (luma, chroma) = (width * height, width * height / 4)
        return stride(from: 0, to: bytes.count - luma - 2 * chroma + 1, by: luma + 2 * chroma).map { start in
            ColourFrame(y: Array(bytes[start..<start + luma]), u: Array(bytes[start + luma..<start + luma + chroma]),
                        v: Array(bytes[start + luma + chroma..<start + luma + 2 * chroma]))
        }
    }

    /// Loads an image file as luma at its own size.
    static func image(_ file: URL, width: Int, height: Int) throws -> GrayFrame {
        try decode(file, width: width, height: height)[0]
    }
}

/// A decoded frame's three planes, and the colour statistics the style checks compare.
struct ColourFrame {
    let y: [UInt8]
    let u: [UInt8]
    let v: [UInt8]

    static func mean(_ samples: [UInt8]) -> Double { Double(samples.reduce(0) { $0 + Int($1) }) / Double(samples.count) }

    var meanLuma: Double { Self.mean(y) }
    /// Standard deviation of luma: the picture's contrast.
    var lumaSpread: Double {
        let mean = meanLuma
        return (y.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(y.count)).squareRoot()
    }
    /// Mean red difference minus mean blue difference: above 0 is warm, below is cool.
    var warmth: Double { Self.mean(v) - Self.mean(u) }
    /// Mean distance of chroma from neutral: how colourful the picture is.
    var colourfulness: Double {
        zip(u, v).reduce(0.0) { $0 + abs(Double($1.0) - 128) + abs(Double($1.1) - 128) } / Double(u.count)
    }
}

struct ToolFailure: Error {
    let output: String
}
