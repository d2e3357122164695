@testable import ProviderBridge
import Synchronization
import Testing

/// A replica's render slots, shared by its shards' render workers.
@Suite("Render slots")
struct RenderSlotsTests {
    /// Renders running now, and the most at once.
    final class Running: Sendable {
        let counts = Mutex((now: 0, most: 0))
        func begin() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func end() { counts.withLock { $0.now -= 1 } }
    }

    @Test("two slots: a third render waits until one ends, and one cancelled before its turn runs nothing and takes no slot")
    func slots() async throws {
        let slots = RenderSlots(2)
        let (started, start) = AsyncStream<Int>.makeStream()
        // Each render ends when its own stream yields.
        let gates = (0...3).map { _ in AsyncStream<Void>.makeStream() }
        let running = Running()
        try await withThrowingTaskGroup(of: Int?.self) { group in
            for render in 1...3 {
                group.addTask {
                    await slots.withSlot { () -> Int in
                        running.begin()
                        start.yield(render)
                        for await _ in gates[render].stream { break }
                        running.end()
                        return render
                    }
                }
            }
            var begun = started.makeAsyncIterator()
            let first = try #require(await begun.next()), second = try #require(await begun.next())
            #expect(first != second && slots.free == 0 && running.counts.withLock { $0.now } == 2)

            let cancelled = Task { await slots.withSlot { Int.max } }
            cancelled.cancel()
            #expect(await cancelled.value == nil)

            gates[first].continuation.yield()
            let third = try #require(await begun.next())
            #expect(![first, second].contains(third))
            gates[second].continuation.yield()
            gates[third].continuation.yield()
            var ended: [Int] = []
            for try await render in group { ended.append(try #require(render)) }
            #expect(ended.sorted() == [1, 2, 3])
        }
        #expect(running.counts.withLock { $0.most } == 2)
        #expect(slots.free == 2)
    }
}
