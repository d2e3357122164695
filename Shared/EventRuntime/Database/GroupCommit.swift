import GRDB
import ServiceLifecycle
import Synchronization

/// Commits the writes of concurrent requests together: `run()` takes everything queued since its
/// last commit and commits it in one transaction, so a burst of job submissions costs one fsync per
/// batch instead of one each (group commit). A write that throws is rolled back alone and its caller
/// gets the error; the others commit. (A batch first runs without savepoints, the common case; if a
/// write throws, the batch is rolled back and run again with a savepoint per write. So a write may run
/// twice: it must touch nothing but the database.) A caller returns only once its
/// write is durable. It is a `Service` in its service's group, after the HTTP server in shutdown
/// order, so requests in flight still commit; writes queued after it stops fail with `CancellationError`.
/// api-ingress commits job submissions through one, provider-bridge the providers' webhooks.
public final class GroupCommit<Result: Sendable>: Service, Sendable {
    /// One caller's write, run inside the batch's transaction in a savepoint of its own.
    public typealias Write = @Sendable (Database) throws -> Result

    private struct Pending {
        let write: Write
        let continuation: CheckedContinuation<Swift.Result<Result, any Error>, Never>
    }

    private struct State {
        var queue: [Pending] = []
        var stopped = false
    }

    private let database: ServiceDatabase
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// The most writes one transaction takes.
    private let maximumBatch: Int

    public init(database: ServiceDatabase, maximumBatch: Int = 256) {
        self.database = database
        self.maximumBatch = maximumBatch
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Writes waiting for the next commit.
    public var queuedWrites: Int { state.withLock { $0.queue.count } }

    /// Queues `write` for the next commit and returns its result once that commit is durable.
    public func write(_ write: @escaping Write) async throws -> Result {
        let outcome = await withCheckedContinuation { continuation in
            let accepted = state.withLock { state in
                guard !state.stopped else { return false }
                state.queue.append(Pending(write: write, continuation: continuation))
                return true
            }
            if accepted { wake.yield() } else { continuation.resume(returning: .failure(CancellationError())) }
        }
        return try outcome.get()
    }

    public func run() async {
        for await _ in wakeups.cancelOnGracefulShutdown() {
            await drain()
        }
        // Cancelled: fail whatever is still queued rather than leave its callers waiting.
        let left = state.withLock { state in
            state.stopped = true
            defer { state.queue.removeAll() }
            return state.queue
        }
        for pending in left { pending.continuation.resume(returning: .failure(CancellationError())) }
    }

    private func drain() async {
        while true {
            let batch: [Pending] = state.withLock { state in
                let batch = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            let writes = batch.map(\.write)
            let results: [Swift.Result<Result, any Error>]
            do {
                results = try await database.pool.write { db in try writes.map { write in .success(try write(db)) } }
            } catch {
                results = await writeOneByOne(writes)
            }
            for (pending, result) in zip(batch, results) { pending.continuation.resume(returning: result) }
        }
    }

    /// The batch again, each write in a savepoint of its own, after one of them threw.
    private func writeOneByOne(_ writes: [Write]) async -> [Swift.Result<Result, any Error>] {
        do {
            return try await database.pool.write { db in
                writes.map { write in
                    var result: Swift.Result<Result, any Error> = .failure(CancellationError())
                    do {
                        try db.inSavepoint {
                            result = .success(try write(db))
                            return .commit
                        }
                    } catch {
                        result = .failure(error)
                    }
                    return result
                }
            }
        } catch {
            return Array(repeating: .failure(error), count: writes.count)
        }
    }
}
