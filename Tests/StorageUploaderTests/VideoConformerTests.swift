import EventContracts
import Foundation
@testable import StorageUploader
import Testing
import TestSupport

@Suite("storage-uploader: outputs made into the video asked for")
struct VideoConformerTests {
    static func reading(_ width: Int, _ height: Int, _ seconds: Double) -> VideoProbe.Reading {
        VideoProbe.Reading(durationSeconds: seconds, width: width, height: height)
    }

    @Test("a frame of another shape is cropped to the largest even frame of the asked shape around the focus; a right one is left alone")
    func cropPlans() {
        let centred = VideoConformer.plan(for: Self.reading(1280, 720, 5), ratio: .portrait, seconds: 5, focus: .centre)
        #expect(centred.crop.map { [$0.width, $0.height, $0.x, $0.y] } == [404, 720, 438, 0])
        #expect(centred.trimSeconds == nil)
        let square = VideoConformer.plan(for: Self.reading(1280, 720, 5), ratio: .square, seconds: 5, focus: FocusPoint(x: 1, y: 0.5))
        #expect(square.crop.map { [$0.width, $0.height, $0.x, $0.y] } == [720, 720, 560, 0], "the focus at the right edge keeps the right")
        let tall = VideoConformer.plan(for: Self.reading(720, 720, 5), ratio: .landscape, seconds: nil, focus: .centre)
        #expect(tall.crop.map { [$0.width, $0.height, $0.x, $0.y] } == [720, 404, 0, 158])
        #expect(!VideoConformer.plan(for: Self.reading(1280, 720, 5), ratio: .landscape, seconds: 5, focus: .centre).isNeeded)
        #expect(!VideoConformer.plan(for: Self.reading(1280, 720, 5), ratio: nil, seconds: nil, focus: .centre).isNeeded)
    }

    @Test("a longer video is trimmed to the length asked; a frame's rounding is not")
    func trimPlans() {
        #expect(VideoConformer.plan(for: Self.reading(1280, 720, 10.0), ratio: .landscape, seconds: 6, focus: .centre).trimSeconds == 6)
        #expect(VideoConformer.plan(for: Self.reading(1280, 720, 5.033), ratio: .landscape, seconds: 5, focus: .centre).trimSeconds == nil)
        #expect(VideoConformer.plan(for: Self.reading(1280, 720, 4.0), ratio: .landscape, seconds: 6, focus: .centre).trimSeconds == nil)
    }

    @Test("applied with ffmpeg: a 10 s 16:9 clip asked as 4 s of 1:1 comes back 720×720 and 4.0 s, and ffprobe reads it so")
    func applied() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.url.appendingPathComponent("in.mp4")
        let made = try runTool("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=10",
                                          "-c:v", "libx264", "-pix_fmt", "yuv420p", input.path])
        try #require(made.status == 0, "\(made.output)")
        let probe = VideoProbe(ffprobePath: "ffprobe", workDirectory: directory.url)
        let conformer = VideoConformer(ffmpegPath: "ffmpeg", workDirectory: directory.url)
        let before = try await probe.read(input)
        #expect(before.width == 1280 && before.height == 720 && abs(before.durationSeconds - 10) < 0.05)
        let plan = VideoConformer.plan(for: before, ratio: .square, seconds: 4, focus: .centre)
        let output = directory.url.appendingPathComponent("out.mp4")
        try await conformer.apply(plan, to: input, output: output)
        let after = try await probe.read(output)
        #expect(after.width == 720 && after.height == 720)
        #expect(abs(after.durationSeconds - 4) < 0.05, "\(after.durationSeconds)")
        let video = try ProbedVideo(output)
        #expect(video.codec == "h264" && video.frameCount == 96)
    }
}
