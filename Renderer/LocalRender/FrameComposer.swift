import CRenderKernel
import EventContracts
import Foundation

/// Draws each frame of a clip from prepared stills: the camera window of a move, a floor-plan sweep
/// or a spotlight (sub-pixel, with roll), the perspective dolly of a walkthrough, the hold–reveal–hold
/// of a before/after, the shots and cross-fades of a reel; then the style's colour grade.
struct FrameComposer: Sendable {
    let request: RenderRequest
    let stills: [PlanarImage]
    private let paths: [CameraPath]
    private let dolly: PerspectiveDolly?
    private let grade: (ColourGrade, tables: [[UInt8]])?
    private var scratch: PlanarImage

    /// The photo is prepared at this multiple of the frame size for camera moves, so that a window
    /// down to half the photo still samples at least one source pixel per output pixel.
    static let stillScale = 2

    /// Prepared still size for `request`: reveals show whole photos, moves need detail to zoom into.
    static func stillSize(for request: RenderRequest) -> (width: Int, height: Int) {
        let (width, height) = request.frameSize
        switch request.content {
        case .beforeAfter: return (width, height)
        case .cameraMotion, .socialReel, .walkthrough, .floorPlanFlythrough, .productSpotlight:
            return (width * stillScale, height * stillScale)
        }
    }

    /// `focusInStill` is where the request's focus point lies in the (first) prepared still.
    init(request: RenderRequest, stills: [PlanarImage], focusInStill: FocusPoint = .centre) {
        self.request = request
        self.stills = stills
        let (width, height) = request.frameSize
        let aspect = Double(width) / Double(height)
        var dolly: PerspectiveDolly?
        switch request.content {
        case .cameraMotion(let motion, _):
            paths = [CameraPath.forMotion(motion, frameAspect: aspect)]
        case .socialReel(let images):
            paths = images.indices.map { CameraPath.forMotion(Self.reelMoves[$0 % Self.reelMoves.count], frameAspect: aspect) }
        case .floorPlanFlythrough:
            paths = [CameraPath.floorPlanSweep]
        case .productSpotlight:
            paths = [CameraPath.spotlight(on: focusInStill)]
        case .walkthrough:
            paths = []
            dolly = PerspectiveDolly.walkthrough(towards: focusInStill)
        case .beforeAfter:
            paths = []
        }
        self.dolly = dolly
        grade = request.style.map { style in
            let grade = ColourGrade.of(style)
            return (grade, grade.tables)
        }
        scratch = PlanarImage(width: width, height: height)
    }

    /// Draws frame `index` (0-based) into `frame`.
    mutating func draw(_ index: Int, into frame: inout PlanarImage) {
        let frames = request.frameCount
        let progress = Double(index) / Double(frames - 1)
        switch request.content {
        case .cameraMotion, .floorPlanFlythrough, .productSpotlight:
            Self.warp(stills[0], path: paths[0], progress: progress, into: &frame)
        case .walkthrough:
            Self.dollyIn(stills[0], dolly!, progress: progress, into: &frame)
        case .beforeAfter(_, _, let reveal):
            drawBeforeAfter(index, reveal: reveal, into: &frame)
        case .socialReel:
            drawReel(index, into: &frame)
        }
        if let grade { grade.0.apply(to: &frame, tables: grade.tables) }
    }

    /// The still seen by the walkthrough's camera at `progress`.
    static func dollyIn(_ still: PlanarImage, _ dolly: PerspectiveDolly, progress: Double, into frame: inout PlanarImage) {
        let push = dolly.push(at: progress)
        frame.withPlanes(from: still) { source, destination, _ in
            rr_dolly_plane([source], &destination, dolly.vanishX, dolly.vanishY, push, dolly.depth)
        }
    }

    /// The still seen through `path`'s window at `progress`.
    static func warp(_ still: PlanarImage, path: CameraPath, progress: Double, into frame: inout PlanarImage) {
        let window = path.window(at: progress)
        frame.withPlanes(from: still) { source, destination, _ in
            let centerX = window.centerX * Double(source.width)
            let centerY = window.centerY * Double(source.height)
            let scale = window.size * Double(source.width) / Double(destination.width)
            rr_warp_plane([source], &destination, centerX, centerY, scale, window.angle)
        }
    }

    // MARK: before/after

    enum BeforeAfterTiming {
        /// Share of the clip showing only the before photo, then the reveal; the after photo holds for the rest.
        static let hold = 0.3
        static let reveal = 0.4
    }

    /// Width of the wipe's divider line per 720 px of the frame's short side.
    static let dividerWidth720 = 4
    /// Limited-range white luma and neutral chroma: the divider line.
    static let dividerSamples: [UInt8] = [235, 128, 128]

    /// Reveal progress (0...1) at frame `index`.
    func revealProgress(at index: Int) -> Double {
        let frames = Double(request.frameCount)
        let start = frames * BeforeAfterTiming.hold
        let length = frames * BeforeAfterTiming.reveal
        return min(max((Double(index) - start) / length, 0), 1)
    }

    private mutating func drawBeforeAfter(_ index: Int, reveal: RevealStyle, into frame: inout PlanarImage) {
        let (before, after) = (stills[0], stills[1])
        let progress = revealProgress(at: index)
        if progress <= 0 { frame.bytes = before.bytes; return }
        if progress >= 1 { frame.bytes = after.bytes; return }
        switch reveal {
        case .crossfade:
            let weight = Easing.inOut(progress)
            before.bytes.withUnsafeBufferPointer { a in
                after.bytes.withUnsafeBufferPointer { b in
                    frame.bytes.withUnsafeMutableBufferPointer { out in
                        rr_blend(a.baseAddress!, b.baseAddress!, out.baseAddress!, Int64(out.count), weight)
                    }
                }
            }
        case .wipe:
            // The after photo fills the left of the boundary, which sweeps left to right; a white
            // divider is drawn centred on it.
            frame.bytes = before.bytes
            let boundary = Easing.inOut(progress) * Double(frame.width)
            let divider = Double(max(2, Self.dividerWidth720 * request.resolution.shortSide / 720))
            frame.withPlanes(from: after) { source, destination, plane in
                let factor = plane == 0 ? 1.0 : 0.5
                rr_wipe_plane([source], &destination, Int32((boundary * factor).rounded()),
                              Int32(((boundary - divider / 2) * factor).rounded()), Int32(((boundary + divider / 2) * factor).rounded()),
                              Self.dividerSamples[plane])
            }
        }
    }

    // MARK: social reel

    /// The moves a reel cycles through, one per photo.
    static let reelMoves: [CameraMotion] = [.zoomIn, .panLeftRight, .zoomOut, .combiningMotions, .panUp, .lookDown]

    /// How a reel divides its frames: `count` shots of `shotFrames`, overlapping by `transitionFrames`.
    struct ReelTiming {
        let shotFrames: Int
        let transitionFrames: Int

        init(request: RenderRequest, count: Int) {
            let frames = request.frameCount
            // Cross-fades of up to half a second, and never more than a third of a shot.
            let transition = count == 1 ? 0 : min(request.framesPerSecond / 2, frames / (3 * count))
            transitionFrames = transition
            shotFrames = count == 1 ? frames : (frames + (count - 1) * transition + count - 1) / count
        }

        /// First frame of shot `shot`.
        func start(of shot: Int) -> Int { shot * (shotFrames - transitionFrames) }
    }

    private mutating func drawReel(_ index: Int, into frame: inout PlanarImage) {
        let timing = ReelTiming(request: request, count: stills.count)
        func progress(_ shot: Int) -> Double {
            min(Double(index - timing.start(of: shot)) / Double(max(timing.shotFrames - 1, 1)), 1)
        }
        // The latest shot that has started; during its first frames it fades in over the previous one.
        let current = (0..<stills.count).last { timing.start(of: $0) <= index } ?? 0
        Self.warp(stills[current], path: paths[current], progress: progress(current), into: &frame)
        let intoShot = index - timing.start(of: current)
        guard current > 0, intoShot < timing.transitionFrames else { return }
        Self.warp(stills[current - 1], path: paths[current - 1], progress: progress(current - 1), into: &scratch)
        let weight = Double(intoShot + 1) / Double(timing.transitionFrames + 1)
        let incoming = frame.bytes
        scratch.bytes.withUnsafeBufferPointer { outgoing in
            incoming.withUnsafeBufferPointer { incomingBytes in
                frame.bytes.withUnsafeMutableBufferPointer { out in
                    rr_blend(outgoing.baseAddress!, incomingBytes.baseAddress!, out.baseAddress!, Int64(out.count), weight)
                }
            }
        }
    }

    /// The frame used as the poster: two thirds into a move, the middle of a reveal, the middle of a
    /// reel's first shot.
    static func posterFrame(for request: RenderRequest) -> Int {
        let frames = request.frameCount
        switch request.content {
        case .cameraMotion, .walkthrough, .floorPlanFlythrough, .productSpotlight: return frames * 2 / 3
        case .beforeAfter: return Int(Double(frames) * (BeforeAfterTiming.hold + BeforeAfterTiming.reveal / 2))
        case .socialReel(let images): return ReelTiming(request: request, count: images.count).shotFrames / 2
        }
    }
}
