import EventContracts
import Foundation
@testable import LocalRender
import Media
import Testing
import TestSupport

/// Renders walkthroughs, floor-plan flythroughs and product spotlights, and checks by their decoded
/// pixels that each camera does what its video type promises.
@Suite("Local renderer: walkthrough, floor-plan flythrough and product spotlight, by their pixels", .serialized)
struct VideoTypePixelTests {
    static func request(_ content: RenderRequest.Content, ratio: AspectRatio = .landscape, focus: FocusPoint = .centre) -> RenderRequest {
        RenderRequest(content: content, aspectRatio: ratio, framesPerSecond: 24, durationSeconds: 2, focus: focus)
    }

    @Test("a walkthrough is a perspective dolly: what is near the edge grows more than what is near the vanishing point")
    func walkthroughParallax() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        // Two markers: a far one just above the centre (the vanishing point), a near one out to the left.
        let photo = try harness.photo(.init(width: 1600, height: 900, marker: (0.5, 0.4), moreMarkers: [(0.25, 0.5)]), name: "room.png")
        let frames = try await harness.render(Self.request(.walkthrough(image: photo))).frames(select: "eq(n,0)+eq(n,47)")
        // Each marker's distance from the vanishing point (640, 360).
        func distances(_ frame: GrayFrame) throws -> (far: Double, near: Double) {
            let far = try #require(frame.centroid(brighterThan: 235, columns: 480..<800, rows: 0..<360))
            let near = try #require(frame.centroid(brighterThan: 235, columns: 0..<420))
            return (360 - far.y, 640 - near.x)
        }
        let (start, end) = (try distances(frames[0]), try distances(frames[1]))
        let (farGrowth, nearGrowth) = (end.far / start.far, end.near / start.near)
        // The model's own figures at those distances (the frame's reach is its half-diagonal).
        let dolly = PerspectiveDolly.walkthrough(towards: .centre)
        let reach = (640.0 * 640 + 360 * 360).squareRoot()
        let expectedFar = dolly.magnification(atDistance: start.far / reach, progress: 1)
        let expectedNear = dolly.magnification(atDistance: start.near / reach, progress: 1)
        #expect(abs(farGrowth - expectedFar) < 0.05, "far marker grew \(farGrowth)×, expected \(expectedFar)×")
        #expect(abs(nearGrowth - expectedNear) < 0.05, "near marker grew \(nearGrowth)×, expected \(expectedNear)×")
        // A flat zoom grows both alike; the dolly's near point must pull clearly ahead.
        #expect(nearGrowth - farGrowth > 0.07, "near \(nearGrowth)× against far \(farGrowth)×: that is a flat zoom")
        #expect(farGrowth > 1.2, "the camera hardly moved in: far marker grew \(farGrowth)×")
    }

    @Test("a walkthrough moves towards the focus point: the point there stays put, the rest flows away from it")
    func walkthroughTowardsFocus() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900, marker: (0.3, 0.6)), name: "room.png")
        let frames = try await harness.render(Self.request(.walkthrough(image: photo), focus: FocusPoint(x: 0.3, y: 0.6)))
            .frames(select: "eq(n,0)+eq(n,47)")
        let start = try #require(frames[0].centroid(brighterThan: 235))
        let end = try #require(frames[1].centroid(brighterThan: 235))
        #expect(abs(end.x - start.x) < 3 && abs(end.y - start.y) < 3, "the marker at the focus moved from \(start) to \(end)")
        #expect(abs(start.x - 384) < 3 && abs(start.y - 432) < 3, "marker should start at the focus (384, 432), at \(start)")
    }

    @Test("a floor-plan flythrough sweeps from the plan's upper left to its lower right, banking as it goes")
    func floorPlanSweep() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900, marker: (0.5, 0.5)), name: "plan.png")
        let frames = try await harness.render(Self.request(.floorPlanFlythrough(image: photo))).frames(select: "eq(n,0)+eq(n,24)+eq(n,47)")
        let points = try frames.map { try #require($0.centroid(brighterThan: 235)) }
        // The plan's centre lies 0.15 of the photo below and right of the first window's centre (0.25 of
        // the frame, the window being 0.6 of the photo), and as far above and left of the last one's;
        // each end is turned by 4°, which moves it by at most 25 px.
        let expectations: [(x: Double, y: Double)] = [(960, 540), (640, 360), (320, 180)]
        for (index, (point, expected)) in zip(points, expectations).enumerated() {
            #expect(abs(point.x - expected.x) < 30 && abs(point.y - expected.y) < 30, "frame \(index): marker at \(point), expected near \(expected)")
        }
        // Banking: the camera rolls −4° at the start and +4° at the end, so the marker, off the centre,
        // is carried round the centre in opposite senses at the two ends.
        let startTurn = atan2(points[0].y - 360, points[0].x - 640) - atan2(180.0, 320)
        let endTurn = atan2(points[2].y - 360, points[2].x - 640) - atan2(-180.0, -320)
        #expect(startTurn < -0.03 && endTurn > 0.03, "turns \(startTurn), \(endTurn) radians; expected about ∓0.07")
    }

    @Test("a product spotlight pushes in on the focus point until it fills the centre of the frame")
    func spotlight() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900, marker: (0.7, 0.4)), name: "product.png")
        let frames = try await harness.render(Self.request(.productSpotlight(image: photo), focus: FocusPoint(x: 0.7, y: 0.4)))
            .frames(select: "eq(n,0)+eq(n,47)")
        let start = try #require(frames[0].centroid(brighterThan: 235))
        let end = try #require(frames[1].centroid(brighterThan: 235))
        #expect(abs(start.x - 896) < 3 && abs(start.y - 288) < 3, "marker should start where the photo has it, at \(start)")
        #expect(abs(end.x - 640) < 4 && abs(end.y - 360) < 4, "marker should end at the centre, at \(end)")
        // The last window is 0.55 of the photo: the marker's area grows by 1 / 0.55².
        let area = { (frame: GrayFrame) in Double(frame.pixels.filter { $0 > 235 }.count) }
        let growth = area(frames[1]) / area(frames[0])
        #expect(abs(growth - 1 / (CameraPath.spotlightSize * CameraPath.spotlightSize)) < 0.4, "marker grew \(growth)× in area")
    }

    @Test("no frame of a walkthrough, flythrough or spotlight shows anything but the photo at its edges",
          arguments: ["walkthrough", "floorplan", "spotlight"], AspectRatio.allCases)
    func noBlackBorders(kind: String, ratio: AspectRatio) async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1400, height: 1050), name: "room.png")
        let content: RenderRequest.Content = switch kind {
        case "walkthrough": .walkthrough(image: photo)
        case "floorplan": .floorPlanFlythrough(image: photo)
        default: .productSpotlight(image: photo)
        }
        // An off-centre focus, at the edge, is where a push or a dolly would leave the photo if it could.
        let frames = try await harness.render(Self.request(content, ratio: ratio, focus: FocusPoint(x: 1, y: 0))).frames()
        #expect(frames.count == 48)
        let worst = frames.enumerated().map { ($0.offset, $0.element.darkBorderPixels(below: 20)) }.max { $0.1 < $1.1 }!
        #expect(worst.1 == 0, "frame \(worst.0) has \(worst.1) dark pixels at its edges")
    }

    @Test("the sweep and every spotlight keep their windows inside the photo in every aspect ratio")
    func pathsInsidePhoto() {
        for aspect in [16.0 / 9, 9.0 / 16, 1] {
            #expect(CameraPath.floorPlanSweep.staysInsidePhoto(frameAspect: aspect, frames: 240))
            for x in stride(from: 0.0, through: 1, by: 0.25) {
                for y in stride(from: 0.0, through: 1, by: 0.25) {
                    #expect(CameraPath.spotlight(on: FocusPoint(x: x, y: y)).staysInsidePhoto(frameAspect: aspect, frames: 240))
                }
            }
        }
    }

    @Test("the focus point is found in the cropped still: centred when the crop allows, pushed off centre near an edge")
    func focusInStill() {
        let photo = ImageHeader(format: .jpeg, width: 1200, height: 900)  // 4:3 cropped to 16:9: rows 0…675 of 900 at most
        let centred = StillDecoder.focusInStill(FocusPoint(x: 0.3, y: 0.5), photo: photo, size: (1280, 720))
        #expect(abs(centred.x - 0.3) < 1e-9 && abs(centred.y - 0.5) < 1e-9)
        let top = StillDecoder.focusInStill(FocusPoint(x: 0.5, y: 0.1), photo: photo, size: (1280, 720))
        #expect(abs(top.y - 90.0 / 675) < 1e-9, "focus at 90 px of a crop starting at 0: \(top.y)")
        let turned = ImageHeader(format: .jpeg, width: 900, height: 1200, orientation: .right)  // upright it is 1200 × 900
        #expect(StillDecoder.focusInStill(FocusPoint(x: 0.5, y: 0.1), photo: turned, size: (1280, 720)) == top)
    }
}
