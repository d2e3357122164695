import EventContracts
import Foundation

/// What the local renderer is asked to make.
public struct RenderRequest: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// One photo, one camera move over it.
        case cameraMotion(CameraMotion, image: URL)
        /// Two photos of the same room: hold the before, reveal the after, hold it.
        case beforeAfter(before: URL, after: URL, reveal: RevealStyle)
        /// 1–10 photos, a move on each, cross-fades between them.
        case socialReel(images: [URL])
        /// One photo of a room, the camera moving into it towards the focus point: a perspective dolly.
        case walkthrough(image: URL)
        /// One floor plan (or any photo seen from above), the camera sweeping across it.
        case floorPlanFlythrough(image: URL)
        /// One photo, the camera pushing in towards the focus point, where the product is.
        case productSpotlight(image: URL)
    }

    public var content: Content
    public var aspectRatio: AspectRatio
    public var resolution: Resolution
    public var framesPerSecond: Int
    public var durationSeconds: Double
    /// Where to centre the crop when a photo's shape differs from the output's, and what a walkthrough
    /// moves towards and a spotlight pushes in on; the centre by default.
    public var focus: FocusPoint
    /// The design style's colour grade, applied to every frame; none by default.
    public var style: DesignStyle?

    public init(content: Content, aspectRatio: AspectRatio, resolution: Resolution = .p720, framesPerSecond: Int = 30,
                durationSeconds: Double, focus: FocusPoint = .centre, style: DesignStyle? = nil) {
        self.content = content
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.framesPerSecond = framesPerSecond
        self.durationSeconds = durationSeconds
        self.focus = focus
        self.style = style
    }

    /// Output frame size: even numbers, as H.264 yuv420p needs.
    public var frameSize: (width: Int, height: Int) {
        let short = resolution.shortSide
        switch aspectRatio {
        case .landscape: return (short * 16 / 9, short)
        case .portrait: return (short, short * 16 / 9)
        case .square: return (short, short)
        }
    }

    /// Frames in the output: the duration at the frame rate, rounded.
    public var frameCount: Int {
        max(2, Int((durationSeconds * Double(framesPerSecond)).rounded()))
    }

    public static let allowedFrameRates = [24, 30]
    public static let durationRange = 2.0...10.0
    public static let reelImageRange = 1...10
}

