/// The EXIF orientation of a photo: how to turn the stored pixels to show it upright.
/// Cameras store a portrait shot sideways and set this tag; ignoring it shows rooms lying on their side.
public enum ImageOrientation: Int, Sendable, Equatable, CaseIterable {
    case up = 1
    case mirrored = 2
    case upsideDown = 3
    case upsideDownMirrored = 4
    case leftMirrored = 5
    case right = 6
    case rightMirrored = 7
    case left = 8

    /// Whether showing the photo upright swaps its width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// ffmpeg filters that turn the stored pixels upright (none for `.up`).
    public var ffmpegFilters: [String] {
        switch self {
        case .up: []
        case .mirrored: ["hflip"]
        case .upsideDown: ["hflip", "vflip"]
        case .upsideDownMirrored: ["vflip"]
        case .leftMirrored: ["transpose=cclock_flip"]
        case .right: ["transpose=clock"]
        case .rightMirrored: ["transpose=clock_flip"]
        case .left: ["transpose=cclock"]
        }
    }
}
