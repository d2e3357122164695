import EventContracts
import Foundation
import LocalRender
import Testing
import TestSupport

/// Renders real clips with ffmpeg and checks what the decoded frames show.
@Suite("Local renderer: camera moves, by their pixels", .serialized)
struct CameraMotionPixelTests {
    /// A 2 s clip at 24 fps: 48 frames, enough to see a move, quick to render and decode.
    static func request(_ motion: CameraMotion, image: URL, ratio: AspectRatio = .landscape, focus: FocusPoint = .centre) -> RenderRequest {
        RenderRequest(content: .cameraMotion(motion, image: image), aspectRatio: ratio, framesPerSecond: 24, durationSeconds: 2, focus: focus)
    }

    @Test("zoom_in starts on the whole photo and ends on its centre crop, 1/1.3 of it, upscaled")
    func zoomIn() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900), name: "room.png")
        let rendered = try await harness.render(Self.request(.zoomIn, image: photo))
        let frames = try rendered.frames(select: "eq(n,0)+eq(n,47)")
        let (first, last) = (frames[0], frames[1])

        let source = try Frames.image(photo, width: 1600, height: 900).resized(to: 1280, 720)
        #expect(first.meanAbsoluteDifference(source, margin: 8) < 4)
        let centre = first.resampled(x: 640 - 640 / 1.3, y: 360 - 360 / 1.3, w: 1280 / 1.3, h: 720 / 1.3, outWidth: 1280, outHeight: 720)
        let zoomedDifference = last.meanAbsoluteDifference(centre, margin: 8)
        let unzoomedDifference = last.meanAbsoluteDifference(first, margin: 8)
        #expect(zoomedDifference < 6, "last frame vs upscaled centre crop: \(zoomedDifference)")
        #expect(unzoomedDifference > 3 * zoomedDifference, "the check could not tell zoomed from unzoomed")
    }

    @Test("pans move the content the way the camera promises, steadily", arguments: [
        (CameraMotion.panLeftRight, true, -1), (.panUp, false, 1), (.panDown, false, -1),
        (.lookUp, false, 1), (.lookDown, false, -1),
    ])
    func panDirection(motion: CameraMotion, horizontal: Bool, contentDirection: Int) async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900), name: "room.png")
        let rendered = try await harness.render(Self.request(motion, image: photo))
        let frames = try rendered.frames().map { $0.shrunk(by: 4) }
        let first = frames[0]
        let samples = [frames.count / 4, frames.count / 2, 3 * frames.count / 4, frames.count - 1]
        let moved = samples.map { frames[$0].shift(from: first, horizontal: horizontal, range: -90...90) }
        #expect(moved.allSatisfy { $0 * contentDirection >= 0 }, "content moved \(moved)")
        #expect(zip(moved, moved.dropFirst()).allSatisfy { abs($1) >= abs($0) }, "motion was not steady: \(moved)")
        #expect(abs(moved.last!) >= 8, "content moved only \(moved.last!) px of 320")
    }

    @Test("pan_left_right travels the promised distance: a window of 1/1.2 crossing the photo")
    func panDistance() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900), name: "room.png")
        let frames = try await harness.render(Self.request(.panLeftRight, image: photo)).frames(select: "eq(n,0)+eq(n,47)")
            .map { $0.shrunk(by: 4) }
        // The window (1/1.2 of the photo) travels 1 − 1/1.2 of the photo: 0.2 of a frame width.
        let moved = frames[1].shift(from: frames[0], horizontal: true, range: -90...90)
        #expect(abs(moved + 64) <= 2, "content moved \(moved) px; expected -64 of 320")
    }

    @Test("pan_left_right glides: every frame sits within a fraction of a pixel of the eased path, no stepping")
    func noJitter() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900), name: "room.png")
        let frames = try await harness.render(Self.request(.panLeftRight, image: photo)).frames()
        let reference = frames[0].columnMeans
        let measured = frames.map { subpixelShift(of: $0.columnMeans, from: reference, range: -300...10) }
        // The window crosses 0.2 of a frame width (256 px) along the ease-in-out curve.
        let expected = (0..<frames.count).map { -256 * Easing.inOut(Double($0) / Double(frames.count - 1)) }
        let errors = zip(measured, expected).map { abs($0 - $1) }
        #expect(errors.max()! < 0.75, "worst deviation \(errors.max()!) px; measured \(measured.map { ($0 * 100).rounded() / 100 })")
        // No frame moves backwards, and no step is more than twice the eased step plus half a pixel.
        let steps = zip(measured.dropFirst(), measured).map { $0 - $1 }
        let expectedSteps = zip(expected.dropFirst(), expected).map { $0 - $1 }
        #expect(steps.allSatisfy { $0 <= 0.25 }, "content moved backwards: \(steps)")
        #expect(zip(steps, expectedSteps).allSatisfy { abs($0 - $1) <= 0.75 }, "uneven steps: \(steps)")
    }

    @Test("rotate_cw turns the picture clockwise and rotate_ccw counter-clockwise", arguments: [
        (CameraMotion.rotateCW, 1.0), (.rotateCCW, -1.0),
    ])
    func rotationDirection(motion: CameraMotion, sign: Double) async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        // A marker above the centre: a clockwise turn carries it to the right.
        let photo = try harness.photo(.init(width: 1600, height: 900, marker: (0.5, 0.25)), name: "room.png")
        let rendered = try await harness.render(Self.request(motion, image: photo))
        let frames = try rendered.frames(select: "eq(n,0)+eq(n,47)")
        let start = try #require(frames[0].centroid(brighterThan: 235))
        let end = try #require(frames[1].centroid(brighterThan: 235))
        #expect(abs(start.x - 640) < 4, "marker should start centred, at \(start.x)")
        // The marker sits (640 − y) px above the centre; a 6° turn moves it sideways by about sin 6° of that, grown by the push-in.
        let expected = sin(CameraPath.rollAngle) * (360 - start.y)
        #expect((end.x - 640) * sign > expected * 0.8, "marker moved from x \(start.x) to \(end.x); expected about \(sign * expected)")
    }

    @Test("a photo of another shape is cropped around the centre, or the focus point, never stretched")
    func cropNotStretch() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1200, height: 900), name: "room.png")  // 4:3 into 16:9
        let source = try Frames.image(photo, width: 1200, height: 900)
        let centred = try await harness.render(Self.request(.zoomOut, image: photo)).frames(select: "eq(n,47)")[0].shrunk(by: 4)
        let centreCrop = source.resampled(x: 0, y: 112.5, w: 1200, h: 675, outWidth: 320, outHeight: 180)
        let stretched = source.resized(to: 320, 180)
        #expect(centred.meanAbsoluteDifference(centreCrop, margin: 4) < 4)
        #expect(centred.meanAbsoluteDifference(stretched, margin: 4) > 3 * centred.meanAbsoluteDifference(centreCrop, margin: 4))

        let top = try await harness.render(Self.request(.zoomOut, image: photo, focus: FocusPoint(x: 0.5, y: 0)))
            .frames(select: "eq(n,47)")[0].shrunk(by: 4)
        let topCrop = source.resampled(x: 0, y: 0, w: 1200, h: 675, outWidth: 320, outHeight: 180)
        #expect(top.meanAbsoluteDifference(topCrop, margin: 4) < 4)
    }

    @Test("no frame of any move, in any aspect ratio, shows anything but the photo at its edges",
          arguments: CameraMotion.allCases, AspectRatio.allCases)
    func noBlackBorders(motion: CameraMotion, ratio: AspectRatio) async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        // The photo's darkest pixels (grid lines, 90) are far above 20; black (16) is what a border would show.
        let photo = try harness.photo(.init(width: 1400, height: 1050), name: "room.png")
        let frames = try await harness.render(Self.request(motion, image: photo, ratio: ratio)).frames()
        #expect(frames.count == 48)
        let worst = frames.enumerated().map { ($0.offset, $0.element.darkBorderPixels(below: 20)) }.max { $0.1 < $1.1 }!
        #expect(worst.1 == 0, "frame \(worst.0) has \(worst.1) dark pixels at its edges")
    }
}
