import Logging
import ServiceLifecycle

/// Runs a piece of work for each shard while this replica owns it: started when the shard is
/// taken, cancelled when it is released, started again if it comes back. The outbox relay of each
/// shard runs this way, and so can any loop that drives a shard's rows (a scheduler, a worker).
///
/// On graceful shutdown the work of each owned shard is left to end by itself (a relay sends what
/// it has and prunes); waits for shards not owned end at once.
public struct ShardWorkers: Service {
    let shards: ShardSet
    let name: String
    let logger: Logger
    let work: @Sendable (Int, ServiceDatabase) async throws -> Void

    /// `name` says what the work is, in logs.
    public init(_ name: String, shards: ShardSet, logger: Logger, work: @escaping @Sendable (Int, ServiceDatabase) async throws -> Void) {
        self.name = name
        self.shards = shards
        self.logger = logger
        self.work = work
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for shard in shards.map.all {
                    group.addTask { await runWhileOwned(shard) }
                }
            }
        } onGracefulShutdown: { [shards] in
            shards.wakeWaiters()
        }
    }

    private func runWhileOwned(_ shard: Int) async {
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard let (database, epoch) = await shards.waitUntilOwned(shard, unless: { Task.isShuttingDownGracefully }) else { return }
            // True when the work ended by itself, false when the shard was released first.
            let endedByItself = await withTaskGroup(of: Bool.self) { race in
                race.addTask { [work, logger, name] in
                    do {
                        try await work(shard, database)
                    } catch where !Task.isCancelled {
                        logger.warning("Shard work stopped with an error", metadata: ["work": "\(name)", "shard": "\(shard)", "error": "\(error)"])
                    } catch {}
                    return true
                }
                race.addTask {
                    await shards.waitUntilReleased(shard, epoch: epoch)
                    return false
                }
                let first = await race.next() ?? false
                race.cancelAll()
                return first
            }
            if endedByItself && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            } else {
                backoff = .milliseconds(100)
            }
        }
    }
}
