/// Output options a client may set on a job; the local renderer honours them all.

/// Output resolution, named by the frame's short side.
public enum Resolution: String, Sendable, Codable, CaseIterable {
    case p720 = "720p"
    case p1080 = "1080p"

    /// Pixels on the frame's short side.
    public var shortSide: Int {
        switch self {
        case .p720: 720
        case .p1080: 1080
        }
    }
}

/// How `before_after` reveals the after photo.
public enum RevealStyle: String, Sendable, Codable, CaseIterable {
    /// A wipe from left to right with a visible divider line at the boundary.
    case wipe
    /// A cross-fade.
    case crossfade
}

/// A point of interest in a photo, as fractions of its width and height from the top-left corner.
public struct FocusPoint: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = min(max(x, 0), 1)
        self.y = min(max(y, 0), 1)
    }

    public static let centre = FocusPoint(x: 0.5, y: 0.5)
}
