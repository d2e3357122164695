import Synchronization

/// Wakes requests waiting on a job: one instance for `Prefer: wait=N` (signalled when the job
/// finishes), one for event streams (signalled after every change). `JobProjection` signals after the
/// event commits; a waiter registers before it looks at the job, so a change between its look and
/// its sleep is not missed.
final class JobSignals: Sendable {
    private let state = Mutex(State())

    /// The waiters, as a state machine whose methods return what to resume outside the lock.
    struct State {
        enum Waiter {
            case registered
            case signalled
            case waiting(CheckedContinuation<Void, Never>)
        }
        private var waiters: [String: [Int: Waiter]] = [:]
        private var nextID = 0

        mutating func register(_ jobID: String) -> Int {
            nextID += 1
            waiters[jobID, default: [:]][nextID] = .registered
            return nextID
        }

        /// Returns the continuation to resume now when the job already finished (or the wait ended).
        mutating func attach(_ continuation: CheckedContinuation<Void, Never>, jobID: String, id: Int) -> CheckedContinuation<Void, Never>? {
            guard case .registered = waiters[jobID]?[id] else { return continuation }
            waiters[jobID]?[id] = .waiting(continuation)
            return nil
        }

        mutating func signal(_ jobID: String) -> [CheckedContinuation<Void, Never>] {
            guard let entries = waiters[jobID] else { return [] }
            var resume: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in entries {
                if case .waiting(let continuation) = waiter { resume.append(continuation) }
                waiters[jobID]?[id] = .signalled
            }
            return resume
        }

        mutating func remove(_ jobID: String, id: Int) -> CheckedContinuation<Void, Never>? {
            let waiter = waiters[jobID]?.removeValue(forKey: id)
            if waiters[jobID]?.isEmpty == true { waiters[jobID] = nil }
            if case .waiting(let continuation) = waiter { return continuation }
            return nil
        }

        var count: Int { waiters.values.reduce(0) { $0 + $1.count } }
    }

    /// Wakes everyone waiting for `jobID`.
    func signal(_ jobID: String) {
        for continuation in state.withLock({ $0.signal(jobID) }) { continuation.resume() }
    }

    /// Returns when `isFinished` says what the waiter waits for is there, when the job is signalled,
    /// or after `timeout`. With `recheck`, `isFinished` is asked again that often: for a job whose
    /// changes another process commits, which signals no one here.
    func wait(for jobID: String, timeout: Duration, recheck: Duration? = nil, isFinished: @escaping @Sendable () async throws -> Bool) async throws {
        guard let recheck else { return try await wait(for: jobID, timeout: timeout, isFinished: isFinished) }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let id = state.withLock { $0.register(jobID) }
            defer { state.withLock { $0.remove(jobID, id: id) }?.resume() }
            guard try await !isFinished() else { return }
            let signalled = await sleep(id: id, jobID: jobID, for: min(recheck, deadline - .now))
            if signalled { return }
        }
    }

    /// Returns when `isFinished` says what the waiter waits for is there, when the job is signalled,
    /// or after `timeout`.
    func wait(for jobID: String, timeout: Duration, isFinished: @Sendable () async throws -> Bool) async throws {
        let id = state.withLock { $0.register(jobID) }
        defer { state.withLock { $0.remove(jobID, id: id) }?.resume() }
        guard try await !isFinished() else { return }
        _ = await sleep(id: id, jobID: jobID, for: timeout)
    }

    /// Sleeps the registered waiter `id` until the job is signalled (true) or `duration` passes (false).
    private func sleep(id: Int, jobID: String, for duration: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        self.state.withLock { $0.attach(continuation, jobID: jobID, id: id) }?.resume()
                    }
                } onCancel: {
                    self.state.withLock { $0.remove(jobID, id: id) }?.resume()
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: duration)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// How many requests are waiting (for metrics and tests).
    var waiting: Int { state.withLock { $0.count } }
}
