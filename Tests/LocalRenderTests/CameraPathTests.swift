import EventContracts
import Foundation
import LocalRender
import Testing

@Suite("Camera paths")
struct CameraPathTests {
    @Test("every move keeps its box inside the photo at every frame, in every aspect ratio",
          arguments: CameraMotion.allCases, [16.0 / 9, 9.0 / 16, 1])
    func insidePhoto(motion: CameraMotion, aspect: Double) {
        let path = CameraPath.forMotion(motion, frameAspect: aspect)
        #expect(path.staysInsidePhoto(frameAspect: aspect, frames: 300))
    }

    @Test("a turned window fits inside its box: all four corners, at the largest roll")
    func boxHoldsTurnedWindow() {
        for aspect in [16.0 / 9, 9.0 / 16, 1] {
            let scale = CameraPath.boxScale(angle: CameraPath.rollAngle, frameAspect: aspect)
            let (halfWidth, halfHeight) = (aspect / 2, 0.5)
            for (x, y) in [(halfWidth, halfHeight), (-halfWidth, halfHeight)] {
                let turnedX = abs(x * cos(CameraPath.rollAngle) - y * sin(CameraPath.rollAngle))
                let turnedY = abs(x * sin(CameraPath.rollAngle) + y * cos(CameraPath.rollAngle))
                #expect(turnedX <= halfWidth * scale + 1e-12 && turnedY <= halfHeight * scale + 1e-12)
            }
            // …and not by a wide margin: the box is the smallest that works.
            let smaller = scale * 0.99
            let corner = (halfWidth * cos(CameraPath.rollAngle) + halfHeight * sin(CameraPath.rollAngle),
                          halfWidth * sin(CameraPath.rollAngle) + halfHeight * cos(CameraPath.rollAngle))
            #expect(corner.0 > halfWidth * smaller || corner.1 > halfHeight * smaller)
        }
    }

    @Test("easing starts and ends at rest and moves monotonically")
    func easing() {
        for easing in [Easing.inOut, .out] {
            #expect(easing(0) == 0)
            #expect(abs(easing(1) - 1) < 1e-12)
            let samples = (0...100).map { easing(Double($0) / 100) }
            #expect(zip(samples, samples.dropFirst()).allSatisfy { $0 <= $1 })
        }
        #expect(Easing.inOut(0.01) < 0.001)
        #expect(abs(Easing.inOut(0.5) - 0.5) < 1e-12)
    }

    /// What changes from the first window to the last: a property and the way it goes.
    enum Change: Sendable {
        case shrinks, grows, right, up, down, clockwise, counterClockwise

        func holds(from start: CameraWindow, to end: CameraWindow) -> Bool {
            switch self {
            case .shrinks: end.size < start.size
            case .grows: end.size > start.size
            case .right: end.centerX > start.centerX
            case .up: end.centerY < start.centerY
            case .down: end.centerY > start.centerY
            case .clockwise: end.angle > start.angle
            case .counterClockwise: end.angle < start.angle
            }
        }
    }

    @Test("moves go where their names say", arguments: [
        (CameraMotion.zoomIn, [Change.shrinks]), (.zoomOut, [.grows]), (.cameraPullback, [.grows, .up]),
        (.panLeftRight, [.right]), (.panUp, [.up]), (.panDown, [.down]), (.lookUp, [.up]), (.lookDown, [.down]),
        (.rotateCW, [.clockwise, .shrinks]), (.rotateCCW, [.counterClockwise, .shrinks]), (.combiningMotions, [.shrinks, .right, .up]),
    ])
    func direction(motion: CameraMotion, changes: [Change]) {
        let path = CameraPath.forMotion(motion, frameAspect: 16.0 / 9)
        for change in changes {
            #expect(change.holds(from: path.window(at: 0), to: path.window(at: 1)), "\(motion): expected \(change)")
        }
    }
}
