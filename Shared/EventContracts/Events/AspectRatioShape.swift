import Foundation

extension AspectRatio {
    /// Width and height in the ratio's smallest whole numbers: 16 and 9 for 16:9.
    public var proportions: (width: Int, height: Int) {
        switch self {
        case .landscape: (16, 9)
        case .portrait: (9, 16)
        case .square: (1, 1)
        }
    }

    /// The ratio `width`×`height` is, when it is one of the three within `tolerance` (relative).
    public static func of(width: Int, height: Int, tolerance: Double = 0.01) -> AspectRatio? {
        guard width > 0, height > 0 else { return nil }
        let shape = Double(width) / Double(height)
        return allCases.first { ratio in
            let (w, h) = ratio.proportions
            return abs(shape / (Double(w) / Double(h)) - 1) <= tolerance
        }
    }

    /// The one of `ratios` nearest the shape `width`×`height` (by the logarithm of the shape).
    public static func nearest(width: Int, height: Int, among ratios: [AspectRatio] = allCases) -> AspectRatio {
        let shape = log(Double(max(width, 1)) / Double(max(height, 1)))
        return ratios.min { first, second in
            abs(log(Double(first.proportions.width) / Double(first.proportions.height)) - shape)
                < abs(log(Double(second.proportions.width) / Double(second.proportions.height)) - shape)
        } ?? .landscape
    }
}
