import Foundation
import Shared

/// Builds the ffmpeg filter graphs of the local renderer. Every graph ends in the label `[video]`
/// (the clip, `frameCount` frames of `frameSize`, yuv420p) and `[poster]` (one representative frame).
enum FilterGraph {
    /// The photo is upscaled this much before `zoompan`, whose crop positions are whole pixels of its
    /// input: 2× makes each step half an output pixel, so slow moves glide instead of stepping.
    static let upscale = 2

    /// Width of the `before_after` wipe's divider line, per 720 px of the frame's short side.
    static let dividerWidth720 = 4

    static func build(for request: RenderRequest, orientations: [ImageOrientation]) -> String {
        let (width, height) = request.frameSize
        let frames = request.frameCount
        var chains: [String]
        switch request.content {
        case .cameraMotion(let motion, _):
            let path = CameraPath.forMotion(motion, frameAspect: Double(width) / Double(height))
            chains = [movingShot(input: 0, orientation: orientations[0], path: path, frames: frames, request: request, label: "clip")]
        case .beforeAfter(_, _, let reveal):
            chains = beforeAfter(reveal: reveal, orientations: orientations, request: request)
        case .socialReel(let images):
            chains = socialReel(count: images.count, orientations: orientations, request: request)
        }
        chains.append("[clip]split=2[video][posterframe]")
        chains.append("[posterframe]select='eq(n,\(posterFrame(for: request)))'[poster]")
        return chains.joined(separator: ";")
    }

    /// The poster: for a move, the frame two thirds through (the move well under way); for a reveal,
    /// the middle of the reveal; for a reel, the middle of the first photo's shot.
    static func posterFrame(for request: RenderRequest) -> Int {
        let frames = request.frameCount
        switch request.content {
        case .cameraMotion: return frames * 2 / 3
        case .beforeAfter: return Int(Double(frames) * (BeforeAfterTiming.hold + BeforeAfterTiming.reveal / 2))
        case .socialReel(let images): return ReelTiming(request: request, count: images.count).shotFrames / 2
        }
    }

    /// Crops input `input` to the output's aspect ratio around the focus point (never stretching),
    /// after turning it upright, and scales it to `scale` times the frame size.
    static func prepared(input: Int, orientation: ImageOrientation, request: RenderRequest, scale: Int) -> String {
        let (width, height) = request.frameSize
        let focus = request.focus
        var steps = ["[\(input):v]"]
        var filters = orientation.ffmpegFilters
        filters += [
            "crop=w='min(iw,ih*\(width)/\(height))':h='min(ih,iw*\(height)/\(width))'"
                + ":x='clip(\(number(focus.x))*iw-ow/2,0,iw-ow)':y='clip(\(number(focus.y))*ih-oh/2,0,ih-oh)'",
            "scale=\(width * scale):\(height * scale):flags=lanczos",
            "setsar=1",
        ]
        steps.append(filters.joined(separator: ","))
        return steps.joined()
    }

    /// One photo with the camera moving along `path` for `frames` frames, labelled `label`.
    static func movingShot(input: Int, orientation: ImageOrientation, path: CameraPath, frames: Int, request: RenderRequest, label: String) -> String {
        let (width, height) = request.frameSize
        let boxScale = path.boxScale(frameAspect: Double(width) / Double(height))
        let boxWidth = even(Double(width) * boxScale)
        let boxHeight = even(Double(height) * boxScale)
        let eased = path.easing.ffmpegExpression("on/\(max(frames - 1, 1))")
        func along(_ start: Double, _ end: Double, _ progress: String = eased) -> String {
            start == end ? number(start) : "(\(number(start))+\(number(end - start))*\(progress))"
        }
        let box = "(\(number(boxScale))*\(along(path.start.size, path.end.size)))"
        var filters = [
            prepared(input: input, orientation: orientation, request: request, scale: upscale),
            "zoompan=z='1/\(box)':x='iw*(\(along(path.start.centerX, path.end.centerX))-\(box)/2)'"
                + ":y='ih*(\(along(path.start.centerY, path.end.centerY))-\(box)/2)'"
                + ":d=\(frames):s=\(boxWidth)x\(boxHeight):fps=\(request.framesPerSecond)",
        ]
        if path.maximumAngle > 0 {
            let angle = along(path.start.angle, path.end.angle, path.easing.ffmpegExpression("n/\(max(frames - 1, 1))"))
            filters.append("rotate=a='\(angle)':ow=\(width):oh=\(height):bilinear=1")
        }
        filters += ["format=yuv420p", "setsar=1", "settb=1/\(request.framesPerSecond)", "setpts=N"]
        return filters.joined(separator: ",") + "[\(label)]"
    }

    /// A still photo repeated for `frames` frames, labelled `label`.
    static func stillShot(input: Int, orientation: ImageOrientation, frames: Int, request: RenderRequest, label: String) -> String {
        [
            prepared(input: input, orientation: orientation, request: request, scale: 1),
            "format=yuv420p",
            "loop=loop=\(frames - 1):size=1:start=0",
            "settb=1/\(request.framesPerSecond)", "setpts=N",
        ].joined(separator: ",") + "[\(label)]"
    }

    enum BeforeAfterTiming {
        /// Share of the clip showing only the before photo, then the reveal; the after photo holds for the rest.
        static let hold = 0.3
        static let reveal = 0.4
    }

    static func beforeAfter(reveal: RevealStyle, orientations: [ImageOrientation], request: RenderRequest) -> [String] {
        let frames = request.frameCount
        let fps = Double(request.framesPerSecond)
        let holdFrames = Int((Double(frames) * BeforeAfterTiming.hold).rounded())
        let revealFrames = Int((Double(frames) * BeforeAfterTiming.reveal).rounded())
        let offset = Double(holdFrames) / fps
        let duration = Double(revealFrames) / fps
        var chains = [
            stillShot(input: 0, orientation: orientations[0], frames: holdFrames + revealFrames, request: request, label: "before"),
            stillShot(input: 1, orientation: orientations[1], frames: frames - holdFrames + 2, request: request, label: "after"),
        ]
        switch reveal {
        case .crossfade:
            chains.append("[before][after]xfade=transition=fade:duration=\(number(duration)):offset=\(number(offset))[clip]")
        case .wipe:
            // xfade's wiperight shows the after photo left of x = W·(t − offset)/duration; the divider
            // is drawn centred on that boundary while the reveal runs.
            let (_, height) = request.frameSize
            let divider = even(Double(dividerWidth720 * request.resolution.shortSide) / 720)
            chains.append("[before][after]xfade=transition=wiperight:duration=\(number(duration)):offset=\(number(offset))[wiped]")
            chains.append("color=c=white:s=\(divider)x\(height):r=\(request.framesPerSecond)[divider]")
            chains.append("[wiped][divider]overlay=x='W*clip((t-\(number(offset)))/\(number(duration)),0,1)-w/2':y=0"
                          + ":enable='between(t,\(number(offset)),\(number(offset + duration)))':shortest=1,format=yuv420p[clip]")
        }
        return chains
    }

    /// How a reel divides its duration: `count` shots of `shotFrames`, overlapping by `transitionFrames`.
    struct ReelTiming {
        let shotFrames: Int
        let transitionFrames: Int

        init(request: RenderRequest, count: Int) {
            let frames = request.frameCount
            // Cross-fades of up to half a second, and never more than a third of a shot.
            let transition = count == 1 ? 0 : min(request.framesPerSecond / 2, frames / (3 * count))
            transitionFrames = transition
            shotFrames = (frames + (count - 1) * transition + count - 1) / count
        }
    }

    /// The moves a reel cycles through, one per photo.
    static let reelMoves: [CameraMotion] = [.zoomIn, .panLeftRight, .zoomOut, .combiningMotions, .panUp, .lookDown]

    static func socialReel(count: Int, orientations: [ImageOrientation], request: RenderRequest) -> [String] {
        let (width, height) = request.frameSize
        let timing = ReelTiming(request: request, count: count)
        let fps = Double(request.framesPerSecond)
        var chains = (0..<count).map { index in
            movingShot(input: index, orientation: orientations[index],
                       path: CameraPath.forMotion(reelMoves[index % reelMoves.count], frameAspect: Double(width) / Double(height)),
                       frames: timing.shotFrames + (index == count - 1 ? 2 : 0), request: request, label: "shot\(index)")
        }
        guard count > 1 else {
            chains[0] = chains[0].replacingOccurrences(of: "[shot0]", with: "[clip]")
            return chains
        }
        var previous = "shot0"
        for index in 1..<count {
            let offset = Double(index * (timing.shotFrames - timing.transitionFrames)) / fps
            let label = index == count - 1 ? "clip" : "reel\(index)"
            chains.append("[\(previous)][shot\(index)]xfade=transition=fade:duration=\(number(Double(timing.transitionFrames) / fps))"
                          + ":offset=\(number(offset))[\(label)]")
            previous = label
        }
        return chains
    }

    /// The smallest even integer not below `value`.
    static func even(_ value: Double) -> Int {
        let rounded = Int(value.rounded(.up))
        return rounded % 2 == 0 ? rounded : rounded + 1
    }

    /// A decimal literal for an ffmpeg expression.
    static func number(_ value: Double) -> String {
        String(format: "%.9f", value)
    }
}
