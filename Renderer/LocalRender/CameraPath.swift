import EventContracts
import Foundation

/// Where the camera looks at one instant: a window over the photo (already cropped to the output's
/// aspect ratio), so the window always has the output's shape.
public struct CameraWindow: Sendable, Equatable {
    /// Centre, as fractions of the photo's width and height.
    public var centerX: Double
    public var centerY: Double
    /// Window size as a fraction of the photo (the same fraction of its width and of its height).
    public var size: Double
    /// Camera roll in radians; positive turns the picture clockwise on screen.
    public var angle: Double

    public init(centerX: Double = 0.5, centerY: Double = 0.5, size: Double, angle: Double = 0) {
        self.centerX = centerX
        self.centerY = centerY
        self.size = size
        self.angle = angle
    }

    func interpolated(to other: CameraWindow, _ amount: Double) -> CameraWindow {
        CameraWindow(
            centerX: centerX + (other.centerX - centerX) * amount,
            centerY: centerY + (other.centerY - centerY) * amount,
            size: size + (other.size - size) * amount,
            angle: angle + (other.angle - angle) * amount)
    }
}

/// How progress through a move speeds up and slows down.
public enum Easing: Sendable, Equatable {
    /// Starts and ends at rest: (1 − cos πp) / 2.
    case inOut
    /// Starts moving, ends at rest: sin(πp / 2).
    case out

    public func callAsFunction(_ progress: Double) -> Double {
        switch self {
        case .inOut: (1 - cos(Double.pi * progress)) / 2
        case .out: sin(Double.pi * progress / 2)
        }
    }

    /// The same curve as an ffmpeg expression of `progress` (itself an expression).
    func ffmpegExpression(_ progress: String) -> String {
        switch self {
        case .inOut: "((1-cos(PI*(\(progress))))/2)"
        case .out: "sin(PI*(\(progress))/2)"
        }
    }
}

/// A camera move: a window travelling from `start` to `end` along an easing curve.
///
/// The renderer realises it in two steps, both sub-pixel: ffmpeg's `zoompan` cuts a box `boxScale`
/// times the window's size (over a 2× upscaled photo), then `rotate` turns it and keeps the centre.
/// `boxScale` is just enough for the turned window to fit in the box, and every box stays inside
/// the photo, so no frame ever shows anything but the photo.
public struct CameraPath: Sendable, Equatable {
    public var start: CameraWindow
    public var end: CameraWindow
    public var easing: Easing

    public init(start: CameraWindow, end: CameraWindow, easing: Easing = .inOut) {
        self.start = start
        self.end = end
        self.easing = easing
    }

    /// The window at `progress` in 0...1.
    public func window(at progress: Double) -> CameraWindow {
        start.interpolated(to: end, easing(min(max(progress, 0), 1)))
    }

    /// The largest roll along the path (the ends, as angles change monotonically).
    var maximumAngle: Double { max(abs(start.angle), abs(end.angle)) }

    /// How much bigger than the window the `zoompan` box must be for a window of `frameAspect`
    /// (width / height) turned by up to `maximumAngle` to fit inside it.
    public func boxScale(frameAspect: Double) -> Double {
        Self.boxScale(angle: maximumAngle, frameAspect: frameAspect)
    }

    public static func boxScale(angle: Double, frameAspect: Double) -> Double {
        let (c, s) = (abs(cos(angle)), abs(sin(angle)))
        return max(c + s / frameAspect, c + s * frameAspect)
    }

    /// Whether every box along the path (sampled at each of `frames` frames) lies inside the photo.
    public func staysInsidePhoto(frameAspect: Double, frames: Int) -> Bool {
        let scale = boxScale(frameAspect: frameAspect)
        return (0..<frames).allSatisfy { index in
            let window = self.window(at: Double(index) / Double(max(frames - 1, 1)))
            let half = window.size * scale / 2
            let tolerance = 1e-9
            return window.centerX - half >= -tolerance && window.centerX + half <= 1 + tolerance
                && window.centerY - half >= -tolerance && window.centerY + half <= 1 + tolerance
        }
    }

    /// The floor-plan flythrough: a window of 60 % gliding diagonally from the plan's upper left to its
    /// lower right, banking from −4° to +4° as it goes, like a camera flying low over the plan.
    public static let floorPlanSweep = CameraPath(
        start: CameraWindow(centerX: 0.35, centerY: 0.35, size: 0.6, angle: -sweepBank),
        end: CameraWindow(centerX: 0.65, centerY: 0.65, size: 0.6, angle: sweepBank))

    /// The sweep's bank at either end: 4°.
    public static let sweepBank = 4 * Double.pi / 180

    /// The product spotlight: from the whole photo, a push in to a window of 55 % centred on `focus`
    /// (where it lies in the prepared still), or as near to it as the photo allows.
    public static func spotlight(on focus: FocusPoint) -> CameraPath {
        let size = spotlightSize
        let clamp = { (value: Double) in min(max(value, size / 2), 1 - size / 2) }
        return CameraPath(start: CameraWindow(size: 1), end: CameraWindow(centerX: clamp(focus.x), centerY: clamp(focus.y), size: size))
    }

    /// The spotlight's last window, as a fraction of the photo.
    public static let spotlightSize = 0.55

    /// The largest roll of `rotate_cw` / `rotate_ccw`: 6°, a slow turn that reads as deliberate.
    public static let rollAngle = 6 * Double.pi / 180

    /// The documented path of each camera move, for an output of `frameAspect` (width / height).
    ///
    /// - `zoom_in` / `zoom_out`: the centre, between the whole photo and 1/1.3 of it.
    /// - `camera_pullback`: starts tight (60 %) a little below centre and pulls back to the whole
    ///   photo, fast first and settling (ease-out), like a dolly pulling away.
    /// - `pan_left_right`, `pan_up`, `pan_down`: a window 1/1.2 of the photo travelling from one edge to
    ///   the other (left → right, bottom → top, top → bottom).
    /// - `look_up` / `look_down`: a window of 80 % tilting from the centre to the top / bottom edge.
    /// - `rotate_cw` / `rotate_ccw`: a 6° roll (clockwise / counter-clockwise on screen) with a gentle
    ///   push in, from the largest window that can turn without leaving the photo.
    /// - `combining_motions`: a zoom in to 75 % while drifting right and up.
    public static func forMotion(_ motion: CameraMotion, frameAspect: Double) -> CameraPath {
        switch motion {
        case .zoomIn:
            return CameraPath(start: CameraWindow(size: 1), end: CameraWindow(size: 1 / 1.3))
        case .zoomOut:
            return CameraPath(start: CameraWindow(size: 1 / 1.3), end: CameraWindow(size: 1))
        case .cameraPullback:
            return CameraPath(start: CameraWindow(centerY: 0.56, size: 0.6), end: CameraWindow(size: 1), easing: .out)
        case .panLeftRight:
            let size = 1 / 1.2
            return CameraPath(start: CameraWindow(centerX: size / 2, size: size), end: CameraWindow(centerX: 1 - size / 2, size: size))
        case .panUp:
            let size = 1 / 1.2
            return CameraPath(start: CameraWindow(centerY: 1 - size / 2, size: size), end: CameraWindow(centerY: size / 2, size: size))
        case .panDown:
            let size = 1 / 1.2
            return CameraPath(start: CameraWindow(centerY: size / 2, size: size), end: CameraWindow(centerY: 1 - size / 2, size: size))
        case .lookUp:
            return CameraPath(start: CameraWindow(size: 0.8), end: CameraWindow(centerY: 0.4, size: 0.8))
        case .lookDown:
            return CameraPath(start: CameraWindow(size: 0.8), end: CameraWindow(centerY: 0.6, size: 0.8))
        case .rotateCW, .rotateCCW:
            let sign: Double = motion == .rotateCW ? 1 : -1
            let largest = 1 / boxScale(angle: rollAngle, frameAspect: frameAspect)
            return CameraPath(start: CameraWindow(size: largest), end: CameraWindow(size: largest * 0.9, angle: sign * rollAngle))
        case .combiningMotions:
            return CameraPath(start: CameraWindow(size: 1), end: CameraWindow(centerX: 0.6, centerY: 0.45, size: 0.75))
        }
    }
}
