import Foundation

/// A blocking loop on its own OS thread, so that it never occupies Swift's cooperative pool.
public struct BlockingThread: Sendable {
    private let finished: AsyncStream<Void>

    /// Starts `body` on a new thread named `name`.
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let (finished, continuation) = AsyncStream<Void>.makeStream()
        self.finished = finished
        let thread = Thread {
            body()
            continuation.finish()
        }
        thread.name = name
        thread.start()
    }

    /// Returns once `body` has returned.
    public func join() async {
        for await _ in finished {}
    }
}
