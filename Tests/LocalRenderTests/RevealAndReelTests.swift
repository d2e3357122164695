import Foundation
import LocalRender
import Shared
import TestSupport
import Testing

@Suite("Local renderer: before/after reveals and social reels")
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

    @Test("a social reel shows each photo in turn with a move, 9:16 by default, at the requested length")
    func socialReel() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photos = try (0..<3).map { index in
            try harness.photo(.init(width: 1080, height: 1920, marker: (0.2 + 0.3 * Double(index), 0.5), inverted: index == 1),
                              name: "photo\(index).png")
        }
        let request = RenderRequest(content: .socialReel(images: photos), aspectRatio: .portrait, framesPerSecond: 24, durationSeconds: 6)
        let rendered = try await harness.render(request)
        let probed = try ProbedVideo(rendered.video)
        #expect((probed.width, probed.height) == (720, 1280))
        #expect(probed.frameCount == 144)

        // Where each photo's marker is in the frame tells which photo is showing.
        let sources = try photos.map { try Frames.image($0, width: 1080, height: 1920).resized(to: 720, 1280) }
        let frames = try rendered.frames(select: "eq(n,0)+eq(n,70)+eq(n,143)")
        func closest(_ frame: GrayFrame) -> Int {
            let scores = sources.map { frame.shrunk(by: 4).meanAbsoluteDifference($0.shrunk(by: 4)) }
            return scores.indices.min { scores[$0] < scores[$1] }!
        }
        #expect(frames.map(closest) == [0, 1, 2])
        #expect(frames[0].meanAbsoluteDifference(sources[0], margin: 8) < 4, "the reel should open on the whole first photo")
    }
}
