import BlockingIO
import Foundation
import Synchronization
import Testing
import TestSupport

@Suite("Blocking workers")
struct BlockingWorkersTests {
    @Test("calls one after another reuse one thread; concurrent calls get threads of their own up to the limit, then queue")
    func reuseAndGrowth() async throws {
        let workers = BlockingWorkers(name: "test-workers", maximumThreads: 4, idleTimeout: .seconds(600))
        for index in 0..<50 {
            #expect(await workers.run { index * 2 } == index * 2)
        }
        // Usually one thread; another only when a call came in while the thread that answered the one
        // before had not yet filed itself as idle. A new thread per call would have made fifty.
        #expect(workers.threadCount < 5)

        // Eight calls that block until released: four run, four wait for a thread.
        let gate = DispatchSemaphore(value: 0)
        let running = Counter()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    await workers.run {
                        running.add()
                        gate.wait()
                        return index
                    }
                }
            }
            try await eventually("four calls to be running") { running.value == 4 ? true : nil }
            #expect(workers.threadCount == 4)
            for _ in 0..<8 { gate.signal() }
            var results: [Int] = []
            for try await result in group { results.append(result) }
            #expect(results.sorted() == Array(0..<8))
        }
        #expect(running.value == 8)
        #expect(workers.threadCount == 4)
    }

    @Test("threads idle for the timeout end, and the pool starts new ones when work comes again")
    func idleThreadsEnd() async throws {
        let workers = BlockingWorkers(name: "test-workers", maximumThreads: 4, idleTimeout: .milliseconds(50))
        #expect(await workers.run { 7 } == 7)
        try await eventually("the idle thread to end") { workers.threadCount == 0 ? true : nil }
        #expect(await workers.run { 8 } == 8)
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
