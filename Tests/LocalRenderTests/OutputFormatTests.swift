import EventContracts
import Foundation
import LocalRender
import Media
import Testing
import TestSupport

@Suite("Local renderer: output format", .serialized)
struct OutputFormatTests {
    @Test("frame count, frame rate, duration and size follow the request; the poster is a JPEG of the frame size",
          arguments: [(Resolution.p720, 24, 3.0, AspectRatio.portrait), (.p720, 30, 2.5, .square), (.p1080, 30, 2.0, .landscape)])
    func format(resolution: Resolution, fps: Int, seconds: Double, ratio: AspectRatio) async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 1200), name: "room.jpg")
        let request = RenderRequest(content: .cameraMotion(.combiningMotions, image: photo), aspectRatio: ratio,
                                    resolution: resolution, framesPerSecond: fps, durationSeconds: seconds)
        let rendered = try await harness.render(request)
        let probed = try ProbedVideo(rendered.video)
        #expect(probed.codec == "h264")
        #expect(probed.width == request.frameSize.width && probed.height == request.frameSize.height)
        #expect(probed.frameCount == Int((seconds * Double(fps)).rounded()))
        #expect(abs(probed.durationSeconds - seconds) <= 1 / Double(fps) + 0.001, "duration \(probed.durationSeconds)")

        let stream = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=pix_fmt,r_frame_rate",
                                             "-of", "default=noprint_wrappers=1", rendered.video.path]).output
        #expect(stream.contains("pix_fmt=yuv420p"))
        #expect(stream.contains("r_frame_rate=\(fps)/1"))

        let poster = [UInt8](try Data(contentsOf: rendered.poster))
        #expect(ImageHeader.read(poster).map { ($0.format, $0.width, $0.height) } ?? (.png, 0, 0) == (.jpeg, request.frameSize.width, request.frameSize.height))
    }

    @Test("the moov atom comes before the media data (+faststart), so browsers play while downloading")
    func fastStart() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1280, height: 720), name: "room.png")
        let rendered = try await harness.render(RenderRequest(content: .cameraMotion(.zoomIn, image: photo), aspectRatio: .landscape,
                                                              framesPerSecond: 24, durationSeconds: 2))
        let bytes = [UInt8](try Data(contentsOf: rendered.video))
        var topLevel: [String] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            let size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            topLevel.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            guard size >= 8 else { break }
            offset += size
        }
        let moov = try #require(topLevel.firstIndex(of: "moov"))
        let mdat = try #require(topLevel.firstIndex(of: "mdat"))
        #expect(moov < mdat, "top-level boxes: \(topLevel)")
    }

    @Test("the poster shows a frame of the clip")
    func posterIsAFrame() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900), name: "room.png")
        let request = RenderRequest(content: .cameraMotion(.panLeftRight, image: photo), aspectRatio: .landscape, framesPerSecond: 24, durationSeconds: 2)
        let rendered = try await harness.render(request)
        let posterFrame = try Frames.image(rendered.poster, width: 1280, height: 720).shrunk(by: 4)
        let frames = try rendered.frames().map { $0.shrunk(by: 4) }
        let differences = frames.map { $0.meanAbsoluteDifference(posterFrame, margin: 2) }
        let closest = differences.indices.min { differences[$0] < differences[$1] }!
        #expect(differences[closest] < 3)
        #expect(closest == 32, "the poster is frame \(closest), expected two thirds through (32 of 48)")
    }

    @Test("requests the renderer cannot honour are refused with MODEL_CANNOT_DO before any work", arguments: [
        (1.0, 30, 1), (11.0, 30, 1), (5.0, 25, 1), (5.0, 30, 0), (5.0, 30, 11),
    ])
    func refused(seconds: Double, fps: Int, reelImages: Int) async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 800, height: 600), name: "room.png")
        let content: RenderRequest.Content = reelImages == 1 ? .cameraMotion(.zoomIn, image: photo)
            : .socialReel(images: Array(repeating: photo, count: reelImages))
        let request = RenderRequest(content: content, aspectRatio: .landscape, framesPerSecond: fps, durationSeconds: seconds)
        let error = try #require(throws: RoomReelError.self) { try LocalRenderer.validate(request) }
        #expect(error.code == .modelCannotDo)
    }

    @Test("a file that is not a photo fails with INVALID_IMAGE, not a crash")
    func notAPhoto() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let fake = harness.directory.url.appendingPathComponent("fake.png")
        try Data("definitely not a png".utf8).write(to: fake)
        let error = await #expect(throws: RoomReelError.self) {
            _ = try await harness.render(RenderRequest(content: .cameraMotion(.zoomIn, image: fake), aspectRatio: .landscape, durationSeconds: 2))
        }
        #expect(error?.code == .invalidImage)
    }
}
