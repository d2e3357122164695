import EventContracts
import Foundation
@testable import LocalRender
import Testing
import TestSupport

@Suite("Local renderer: before/after reveals and social reels", .serialized)
struct RevealAndReelTests {
    @Test("before_after starts on the before photo and ends on the after photo", arguments: RevealStyle.allCases)
    func beforeAfter(reveal: RevealStyle) async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let before = try harness.photo(.init(width: 1280, height: 720), name: "before.png")
        let after = try harness.photo(.init(width: 1280, height: 720, marker: (0.8, 0.7), inverted: true), name: "after.png")
        let request = RenderRequest(content: .beforeAfter(before: before, after: after, reveal: reveal), aspectRatio: .landscape,
                                    framesPerSecond: 24, durationSeconds: 4)
        let rendered = try await harness.render(request)
        #expect(try ProbedVideo(rendered.video).frameCount == 96)
        let frames = try rendered.frames(select: "eq(n,0)+eq(n,25)+eq(n,48)+eq(n,95)")
        let (beforeImage, afterImage) = (try Frames.image(before, width: 1280, height: 720), try Frames.image(after, width: 1280, height: 720))
        for (frame, name) in [(frames[0], "first"), (frames[1], "last of the hold")] {
            #expect(frame.meanAbsoluteDifference(beforeImage) < 3, "\(name) frame is not the before photo")
        }
        #expect(frames[3].meanAbsoluteDifference(afterImage) < 3, "last frame is not the after photo")
        #expect(frames[3].meanAbsoluteDifference(beforeImage) > 20)

        // Halfway through the reveal (frame 48 of 29…67):
        let middle = frames[2]
        switch reveal {
        case .wipe:
            // the after photo on the left, the before on the right, a white divider between.
            let left = middle.resampled(x: 0, y: 0, w: 560, h: 720, outWidth: 560, outHeight: 720)
            let right = middle.resampled(x: 720, y: 0, w: 560, h: 720, outWidth: 560, outHeight: 720)
            #expect(left.meanAbsoluteDifference(afterImage.resampled(x: 0, y: 0, w: 560, h: 720, outWidth: 560, outHeight: 720)) < 3)
            #expect(right.meanAbsoluteDifference(beforeImage.resampled(x: 720, y: 0, w: 560, h: 720, outWidth: 560, outHeight: 720)) < 3)
            let whiteColumns = (600..<680).filter { x in (0..<720).allSatisfy { middle[x, $0] > 230 } }
            #expect(!whiteColumns.isEmpty, "no divider line near the middle")
            #expect(whiteColumns.allSatisfy { abs($0 - 640) <= 8 }, "divider at \(whiteColumns), expected near 640")
        case .crossfade:
            // an even mix of both.
            var mixed = beforeImage
            mixed.pixels = zip(beforeImage.pixels, afterImage.pixels).map { UInt8((Int($0) + Int($1)) / 2) }
            #expect(middle.meanAbsoluteDifference(mixed) < 6)
        }
    }

    @Test("a social reel shows each photo in turn with a move, at the requested length")
    func socialReel() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        // Six photos, alternating plain and inverted gradients, the marker in a different place on each,
        // and JPEG and PNG mixed (their demuxers time stamp stills differently).
        let photos = try (0..<6).map { index in
            try harness.photo(.init(width: 1080, height: 1920, marker: (0.15 + 0.14 * Double(index), 0.5), inverted: index % 2 == 1),
                              name: "photo\(index).\(index % 2 == 0 ? "png" : "jpg")")
        }
        let request = RenderRequest(content: .socialReel(images: photos), aspectRatio: .portrait, framesPerSecond: 24, durationSeconds: 6)
        let rendered = try await harness.render(request)
        let probed = try ProbedVideo(rendered.video)
        #expect((probed.width, probed.height) == (720, 1280))
        #expect(probed.frameCount == 144)

        // Each shot's middle frame must be its own photo seen through its own move's window, and
        // clearly not the neighbouring photo seen through the same window.
        let sources = try photos.map { try Frames.image($0, width: 1080, height: 1920) }
        let timing = FrameComposer.ReelTiming(request: request, count: photos.count)
        #expect((timing.shotFrames, timing.transitionFrames) == (31, 8))
        for shot in 0..<photos.count {
            let index = timing.start(of: shot) + timing.shotFrames / 2
            let frame = try rendered.frames(select: "eq(n,\(index))")[0].shrunk(by: 4)
            let path = CameraPath.forMotion(FrameComposer.reelMoves[shot % FrameComposer.reelMoves.count], frameAspect: 9.0 / 16)
            let window = path.window(at: Double(timing.shotFrames / 2) / Double(timing.shotFrames - 1))
            func seen(_ source: GrayFrame) -> GrayFrame {
                let (w, h) = (window.size * 1080, window.size * 1920)
                return source.resampled(x: window.centerX * 1080 - w / 2, y: window.centerY * 1920 - h / 2, w: w, h: h,
                                        outWidth: 720, outHeight: 1280).shrunk(by: 4)
            }
            let own = frame.meanAbsoluteDifference(seen(sources[shot]), margin: 2)
            let neighbour = frame.meanAbsoluteDifference(seen(sources[(shot + 1) % photos.count]), margin: 2)
            #expect(own < 4, "shot \(shot) (frame \(index)) differs from its photo through its window by \(own)")
            #expect(neighbour > 2 * own, "shot \(shot) looks as much like photo \((shot + 1) % photos.count)")
        }
    }
}
