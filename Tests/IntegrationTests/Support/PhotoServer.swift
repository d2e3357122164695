import Foundation
import Hummingbird
import Synchronization
import TestSupport

/// A real HTTP server on loopback that serves the sample photo at `/room.jpg` (and nothing else),
/// standing in for a client's image host.
func withPhotoServer(_ body: @Sendable (Int) async throws -> Void) async throws {
    let photo = try Data(contentsOf: BuiltProducts.samplePhoto)
    let router = Router()
    router.get("/room.jpg") { _, _ in
        Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: photo)))
    }
    let port = Mutex<Int?>(nil)
    let (started, continuation) = AsyncStream<Void>.makeStream()
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { channel in
                              port.withLock { $0 = channel.localAddress?.port }
                              continuation.yield()
                          })
    try await withRunningServices([app]) {
        for await _ in started { break }
        try await body(port.withLock { $0 }!)
    }
}
