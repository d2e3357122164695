import CRenderKernel
import EventContracts

/// A design style's look, applied to every frame as a tone curve on luma and a saturation and tint on
/// chroma (one 256-entry table per plane, so a grade costs a lookup per sample). Limited range, as the
/// encoder takes it: luma 16…235, chroma 16…240 around 128.
///
/// Warm looks raise red difference (V) and lower blue difference (U); cool ones the other way.
public struct ColourGrade: Sendable, Equatable {
    /// Luma contrast around mid-grey: above 1 spreads tones, below 1 flattens them.
    public var contrast: Double
    /// Luma offset, as a fraction of the luma range.
    public var brightness: Double
    /// Chroma gain: 0 is grey, 1 unchanged.
    public var saturation: Double
    /// Chroma offsets, in samples.
    public var blueShift: Double
    public var redShift: Double

    /// The look of `style`.
    public static func of(_ style: DesignStyle) -> ColourGrade {
        switch style {
        // Crisp and neutral-cool: more contrast, a touch of blue.
        case .modern: ColourGrade(contrast: 1.15, brightness: 0, saturation: 1.0, blueShift: 3, redShift: -2)
        // Bright, flat and nearly colourless.
        case .minimalist: ColourGrade(contrast: 0.82, brightness: 0.06, saturation: 0.65, blueShift: 0, redShift: 0)
        // Airy daylight: bright, soft, slightly cool and muted.
        case .scandinavian: ColourGrade(contrast: 0.9, brightness: 0.08, saturation: 0.85, blueShift: 4, redShift: -3)
        // Steel and concrete: darker, hard, desaturated towards teal.
        case .industrial: ColourGrade(contrast: 1.25, brightness: -0.06, saturation: 0.6, blueShift: 6, redShift: -5)
        // Teak and amber: warm and rich.
        case .midCenturyModern: ColourGrade(contrast: 1.05, brightness: 0, saturation: 1.2, blueShift: -9, redShift: 9)
        // Clean with a little warmth and colour.
        case .contemporary: ColourGrade(contrast: 1.07, brightness: 0.02, saturation: 1.1, blueShift: -2, redShift: 2)
        }
    }

    /// The tables for planes Y, U and V.
    var tables: [[UInt8]] {
        func clamped(_ value: Double, _ low: Double, _ high: Double) -> UInt8 { UInt8(min(max(value.rounded(), low), high)) }
        let luma = (0..<256).map { sample -> UInt8 in
            let level = (Double(sample) - 16) / 219
            return clamped(16 + 219 * (0.5 + (level - 0.5) * contrast + brightness), 16, 235)
        }
        func chroma(_ shift: Double) -> [UInt8] {
            (0..<256).map { clamped(128 + (Double($0) - 128) * saturation + shift, 16, 240) }
        }
        return [luma, chroma(blueShift), chroma(redShift)]
    }

    /// Applies the grade to `frame` in place.
    func apply(to frame: inout PlanarImage, tables: [[UInt8]]) {
        let layout = frame.planeLayout
        frame.bytes.withUnsafeMutableBufferPointer { bytes in
            for plane in 0..<3 {
                var view = rr_plane(data: bytes.baseAddress! + layout[plane].offset, width: Int32(layout[plane].width),
                                    height: Int32(layout[plane].height), stride: Int32(layout[plane].width))
                tables[plane].withUnsafeBufferPointer { rr_map_plane(&view, $0.baseAddress!) }
            }
        }
    }
}
