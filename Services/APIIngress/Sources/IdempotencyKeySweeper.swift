import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Shared

/// Deletes idempotency keys past their 24 hours, every `interval`, so that the table holds about a
/// day of requests rather than every request ever made (an expired key is also replaced on reuse).
struct IdempotencyKeySweeper: Service {
    let database: ServiceDatabase
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let removed = try await sweep(now: Date())
                if removed > 0 { logger.info("Forgot expired idempotency keys", metadata: ["count": "\(removed)"]) }
            } catch {
                logger.error("Could not sweep idempotency keys", metadata: ["error": "\(error)"])
            }
            // A ten-minute sleep must not hold up a graceful shutdown.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Deletes the keys expired at `now` and returns how many there were.
    func sweep(now: Date) async throws -> Int {
        try await database.pool.write { db in
            try IdempotencyRecord.purgeExpired(now: now, in: db)
            return db.changesCount
        }
    }
}
