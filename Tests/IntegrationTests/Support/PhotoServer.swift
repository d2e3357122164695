import Foundation
import Hummingbird
import TestSupport

/// A real HTTP server on loopback that serves the sample photo at `/room.jpg` (and nothing else),
/// standing in for a client's image host.
func withPhotoServer(_ body: @Sendable (Int) async throws -> Void) async throws {
    let photo = try Data(contentsOf: BuiltProducts.samplePhoto)
    let router = Router()
    router.get("/room.jpg") { _, _ in
        Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: photo)))
    }
    try await withLoopbackServer(router, body)
}
