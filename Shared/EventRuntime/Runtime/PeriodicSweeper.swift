import Foundation
import Logging
import ServiceLifecycle

/// Deletes what has outlived its use (expired idempotency keys, old webhook receipts) every
/// `interval`, so that such tables hold about a lifetime's rows rather than every row ever written.
/// The wait between sweeps ends at once on graceful shutdown.
public struct PeriodicSweeper: Service {
    /// What is swept, for the logs (`idempotency keys`).
    public let name: String
    public let interval: Duration
    let logger: Logger
    let sweep: @Sendable (Date) async throws -> Int

    /// `sweep` deletes what has expired at the date it is given and returns how many rows went.
    public init(name: String, interval: Duration = .seconds(600), logger: Logger, sweep: @escaping @Sendable (Date) async throws -> Int) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.sweep = sweep
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let removed = try await sweepOnce(now: Date())
                if removed > 0 { logger.info("Swept expired rows", metadata: ["what": "\(name)", "count": "\(removed)"]) }
            } catch {
                logger.error("Could not sweep", metadata: ["what": "\(name)", "error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One sweep at `now`; how many rows it deleted.
    public func sweepOnce(now: Date) async throws -> Int {
        try await sweep(now)
    }
}
