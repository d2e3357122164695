import DequeModule
import Dispatch
import Foundation
import Synchronization

/// OS threads for blocking calls (libcurl transfers), kept and reused: a busy service makes thousands
/// of such calls a second, and a new thread for each cost more than many of the calls themselves.
/// The pool grows while every thread is busy (up to `maximumThreads`, past which calls queue), and a
/// thread idle for `idleTimeout` ends. The threads never belong to Swift's cooperative pool.
public final class BlockingWorkers: Sendable {
    /// One thread's mailbox: the job handed to it while it slept, and the semaphore that wakes it.
    private final class Worker: Sendable {
        let wake = DispatchSemaphore(value: 0)
        let job = Mutex<(@Sendable () -> Void)?>(nil)
    }

    /// Which threads sleep and what waits for one.
    private struct State {
        var idle: [Worker] = []
        var queued: Deque<@Sendable () -> Void> = []
        var threads = 0

        enum SubmitAction {
            case hand(Worker)
            case spawn
            case queued
        }

        mutating func submit(_ job: @escaping @Sendable () -> Void, maximumThreads: Int) -> SubmitAction {
            if let worker = idle.popLast() {
                worker.job.withLock { $0 = job }
                return .hand(worker)
            }
            if threads < maximumThreads {
                threads += 1
                return .spawn
            }
            queued.append(job)
            return .queued
        }

        /// The next queued job for a thread that finished one, or nil after filing it as idle.
        mutating func next(for worker: Worker) -> (@Sendable () -> Void)? {
            if let job = queued.popFirst() { return job }
            idle.append(worker)
            return nil
        }

        /// Whether a thread that slept its idle time out may end: only if nobody handed it a job meanwhile.
        mutating func retire(_ worker: Worker) -> Bool {
            guard let index = idle.firstIndex(where: { $0 === worker }) else { return false }
            idle.remove(at: index)
            threads -= 1
            return true
        }
    }

    private let state = Mutex(State())
    private let name: String
    private let maximumThreads: Int
    private let idleTimeout: Duration

    public init(name: String, maximumThreads: Int = 256, idleTimeout: Duration = .seconds(30)) {
        self.name = name
        self.maximumThreads = maximumThreads
        self.idleTimeout = idleTimeout
    }

    /// Threads alive now (busy or idle).
    public var threadCount: Int { state.withLock { $0.threads } }

    /// Runs `body` on one of the pool's threads and returns its result.
    public func run<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: body()) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        switch state.withLock({ $0.submit(job, maximumThreads: maximumThreads) }) {
        case .hand(let worker):
            worker.wake.signal()
        case .spawn:
            let thread = Thread { [self] in work(first: job) }
            thread.name = name
            thread.start()
        case .queued:
            break
        }
    }

    private func work(first: @escaping @Sendable () -> Void) {
        let worker = Worker()
        var job: (@Sendable () -> Void)? = first
        let timeoutNanoseconds = UInt64(idleTimeout.components.seconds) * 1_000_000_000
            + UInt64(idleTimeout.components.attoseconds / 1_000_000_000)
        while true {
            while let current = job {
                current()
                job = state.withLock { $0.next(for: worker) }
            }
            if worker.wake.wait(timeout: .now() + .nanoseconds(Int(timeoutNanoseconds))) == .timedOut {
                if state.withLock({ $0.retire(worker) }) { return }
                // Handed a job just as the wait ended: its signal is on the way.
                worker.wake.wait()
            }
            job = worker.job.withLock { job in
                defer { job = nil }
                return job
            }
        }
    }
}
