import Hummingbird
import Synchronization

/// Serves `router` over real HTTP on 127.0.0.1 (a free port) while `body` runs with that port:
/// a stand-in for the outside hosts RoomReel talks to (clients' image hosts and the like).
public func withLoopbackServer(_ router: Router<BasicRequestContext>, _ body: @Sendable (Int) async throws -> Void) async throws {
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
