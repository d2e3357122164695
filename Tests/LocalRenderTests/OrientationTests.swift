import Foundation
import LocalRender
import Media
import Testing
import TestSupport

@Suite("Photo headers and EXIF orientation")
struct OrientationTests {
    @Test("reads format and size from PNG and JPEG headers, and the EXIF orientation in either byte order")
    func headers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let png = try SyntheticPhoto.write(.init(width: 640, height: 480), name: "a.png", in: directory.url)
        #expect(ImageHeader.read([UInt8](try Data(contentsOf: png))) == ImageHeader(format: .png, width: 640, height: 480))

        let jpeg = try SyntheticPhoto.write(.init(width: 800, height: 600), name: "b.jpg", in: directory.url)
        #expect(ImageHeader.read([UInt8](try Data(contentsOf: jpeg))) == ImageHeader(format: .jpeg, width: 800, height: 600))
        for (orientation, bigEndian) in [(6, true), (8, false), (3, true)] {
            let copy = directory.url.appendingPathComponent("c\(orientation).jpg")
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: jpeg, to: copy)
            try SyntheticPhoto.settingEXIFOrientation(orientation, of: copy, bigEndian: bigEndian)
            let header = try #require(ImageHeader.read([UInt8](try Data(contentsOf: copy))))
            #expect(header.orientation.rawValue == orientation)
            #expect(header.uprightSize == (orientation >= 5 ? (600, 800) : (800, 600)))
        }
    }

    @Test("rejects headers that lie or stop short", arguments: [
        [UInt8](), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x41, count: 40),
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10], [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x04, 0x00, 0x00], Array("GIF89a".utf8),
    ])
    func badHeaders(bytes: [UInt8]) {
        #expect(ImageHeader.read(bytes) == nil)
    }

    @Test("a photo stored sideways with EXIF orientation 6 is rendered upright")
    func renderedUpright() async throws {
        let harness = try RenderHarness()
        defer { harness.directory.remove() }
        // Stored 900×1600 with the marker near the bottom-left; turned clockwise (orientation 6) the
        // upright 1600×900 photo has the marker near the top-left.
        let sideways = try harness.photo(.init(width: 900, height: 1600, marker: (0.2, 0.8)), name: "sideways.jpg")
        try SyntheticPhoto.settingEXIFOrientation(6, of: sideways)
        let request = RenderRequest(content: .cameraMotion(.zoomOut, image: sideways), aspectRatio: .landscape,
                                    framesPerSecond: 24, durationSeconds: 2)
        let last = try await harness.render(request).frames(select: "eq(n,47)")[0]
        let marker = try #require(last.centroid(brighterThan: 235))
        #expect(marker.x < 640 && marker.y < 360, "marker at \(marker); an upright photo has it top-left")
    }
}
