import Synchronization

/// The local renders a replica runs at once (`BRIDGE_LOCAL_RENDER_CONCURRENCY`), shared by the
/// render workers of all the shards it owns: each holds a slot while it renders.
final class RenderSlots: Sendable {
    /// Free slots, and the renders that asked for one and have no answer yet, as a state machine
    /// whose methods return what to resume outside the lock.
    struct State {
        var free: Int
        /// Asked and not answered yet; those with a continuation wait in line.
        var pending: Set<Int> = []
        var waiting: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID = 0

        mutating func ask() -> Int {
            nextID += 1
            pending.insert(nextID)
            return nextID
        }

        /// True: a slot now. False: cancelled before it could wait. Nil: it waits in line.
        mutating func wait(_ id: Int, _ continuation: CheckedContinuation<Bool, Never>) -> Bool? {
            guard pending.contains(id) else { return false }
            if free > 0 {
                free -= 1
                pending.remove(id)
                return true
            }
            waiting.append((id, continuation))
            return nil
        }

        /// A released slot goes to the first in line, whose continuation is returned to resume.
        mutating func release() -> CheckedContinuation<Bool, Never>? {
            guard !waiting.isEmpty else {
                free += 1
                return nil
            }
            let first = waiting.removeFirst()
            pending.remove(first.id)
            return first.continuation
        }

        /// `id` is cancelled: its continuation if it was in line, to resume without a slot.
        mutating func cancel(_ id: Int) -> CheckedContinuation<Bool, Never>? {
            guard pending.remove(id) != nil, let index = waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return waiting.remove(at: index).continuation
        }
    }

    private let state: Mutex<State>

    init(_ count: Int) {
        state = Mutex(State(free: max(1, count)))
    }

    /// Runs `body` holding a slot; returns nil without running it when cancelled while waiting.
    func withSlot<Result: Sendable>(_ body: () async -> Result) async -> Result? {
        let id = state.withLock { $0.ask() }
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if let now = state.withLock({ $0.wait(id, continuation) }) { continuation.resume(returning: now) }
            }
        } onCancel: {
            state.withLock { $0.cancel(id) }?.resume(returning: false)
        }
        guard granted else { return nil }
        defer { state.withLock { $0.release() }?.resume(returning: true) }
        return await body()
    }

    /// Free slots now.
    var free: Int { state.withLock { $0.free } }
}
