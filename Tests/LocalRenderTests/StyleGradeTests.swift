import EventContracts
import Foundation
import LocalRender
import Testing
import TestSupport

/// Renders one photo in each design style and compares the frames' measured colour statistics.
@Suite("Local renderer: design styles as colour grades, by measured frame colour", .serialized)
struct StyleGradeTests {
    /// The middle frame of a 2 s zoom over the same photo, in `style` (none: ungraded).
    static func statistics(_ style: DesignStyle?, photo: URL, harness: RenderHarness) async throws -> ColourFrame {
        let request = RenderRequest(content: .cameraMotion(.zoomIn, image: photo), aspectRatio: .landscape,
                                    framesPerSecond: 24, durationSeconds: 2, style: style)
        let rendered = try await harness.render(request)
        let (width, height) = request.frameSize
        return try #require(try Frames.decodeColour(rendered.video, width: width, height: height, select: "eq(n,24)").first)
    }

    @Test("each style grades the frames its own way: warmth, colour and contrast move as the style says, and no two styles look alike")
    func stylesDiffer() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1600, height: 900), name: "room.png")
        let plain = try await Self.statistics(nil, photo: photo, harness: harness)
        var graded: [DesignStyle: ColourFrame] = [:]
        for style in DesignStyle.allCases {
            graded[style] = try await Self.statistics(style, photo: photo, harness: harness)
        }
        let (modern, minimalist, scandinavian) = (graded[.modern]!, graded[.minimalist]!, graded[.scandinavian]!)
        let (industrial, midCentury, contemporary) = (graded[.industrial]!, graded[.midCenturyModern]!, graded[.contemporary]!)

        #expect(midCentury.warmth > plain.warmth + 10, "mid-century modern is warm: \(midCentury.warmth) against \(plain.warmth)")
        #expect(industrial.warmth < plain.warmth - 6, "industrial is cool: \(industrial.warmth) against \(plain.warmth)")
        #expect(industrial.colourfulness < plain.colourfulness * 0.8, "industrial is muted")
        #expect(industrial.meanLuma < plain.meanLuma - 5, "industrial is darker")
        #expect(minimalist.colourfulness < plain.colourfulness * 0.75, "minimalist is nearly colourless")
        #expect(minimalist.lumaSpread < plain.lumaSpread * 0.9, "minimalist is flat")
        #expect(scandinavian.meanLuma > plain.meanLuma + 8, "scandinavian is bright")
        #expect(modern.lumaSpread > plain.lumaSpread * 1.08, "modern is crisp")
        #expect(contemporary.colourfulness > plain.colourfulness * 1.04, "contemporary is a little richer")

        // Every pair differs clearly in at least one measure.
        func measures(_ frame: ColourFrame) -> [Double] { [frame.meanLuma, frame.lumaSpread, frame.warmth, frame.colourfulness] }
        let styles = DesignStyle.allCases
        for (i, first) in styles.enumerated() {
            for second in styles[(i + 1)...] {
                let gap = zip(measures(graded[first]!), measures(graded[second]!)).map { abs($0 - $1) }.max()!
                #expect(gap > 2, "\(first) and \(second) differ by at most \(gap)")
            }
        }
    }

    @Test("without a style the frames keep the photo's own colour")
    func ungradedIsUntouched() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        let photo = try harness.photo(.init(width: 1280, height: 720), name: "room.png")
        let request = RenderRequest(content: .cameraMotion(.zoomIn, image: photo), aspectRatio: .landscape, framesPerSecond: 24, durationSeconds: 2)
        let first = try #require(try Frames.decodeColour(try await harness.render(request).video, width: 1280, height: 720, select: "eq(n,0)").first)
        let source = try #require(try Frames.decodeColour(photo, width: 1280, height: 720, select: "1").first)
        #expect(abs(first.warmth - source.warmth) < 1.5 && abs(first.meanLuma - source.meanLuma) < 1.5)
    }
}
