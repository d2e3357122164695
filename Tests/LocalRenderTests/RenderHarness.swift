import Foundation
import LocalRender
import TestSupport

/// Renders requests into a temporary folder and hands back what came out.
struct RenderHarness {
    let directory: TemporaryDirectory
    let renderer = LocalRenderer()

    init() throws {
        directory = try TemporaryDirectory()
    }

    func photo(_ options: SyntheticPhoto.Options, name: String) throws -> URL {
        try SyntheticPhoto.write(options, name: name, in: directory.url)
    }

    struct Rendered {
        let video: URL
        let poster: URL
        let request: RenderRequest

        var size: (width: Int, height: Int) { request.frameSize }

        func frames(select: String? = nil) throws -> [GrayFrame] {
            try Frames.decode(video, width: size.width, height: size.height, select: select)
        }
    }

    func render(_ request: RenderRequest, name: String = UUID().uuidString) async throws -> Rendered {
        let video = directory.url.appendingPathComponent("\(name).mp4")
        let poster = directory.url.appendingPathComponent("\(name).jpg")
        try await renderer.render(request, video: video, poster: poster, logFile: directory.url.appendingPathComponent("\(name).log"))
        return Rendered(video: video, poster: poster, request: request)
    }
}
