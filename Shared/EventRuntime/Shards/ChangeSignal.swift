import Synchronization

/// A counter that tasks can wait on: `signal()` moves it on and wakes every waiter whose last look is
/// behind. A waiter reads `version` before it looks at the state it waits on, then waits after that
/// version, so a change between its look and its wait is not missed.
final class ChangeSignal: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
        /// Waits registered whose continuation is not attached yet.
        var unattached: Set<Int> = []
        /// Of those, the ones cancelled meanwhile.
        var cancelled: Set<Int> = []
    }
    private let state = Mutex(State())

    var version: UInt64 { state.withLock { $0.version } }

    /// Moves the version on and wakes every waiter.
    func signal() {
        let waiters = state.withLock { state in
            state.version += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the version is past `seen`, or when the task is cancelled.
    func wait(after seen: UInt64) async {
        let id = state.withLock { state in
            state.nextID += 1
            state.unattached.insert(state.nextID)
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    state.unattached.remove(id)
                    if state.version > seen || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                if let continuation = state.waiters.removeValue(forKey: id) { return Optional(continuation) }
                if state.unattached.contains(id) { state.cancelled.insert(id) }
                return nil
            }
            continuation?.resume()
        }
    }
}
