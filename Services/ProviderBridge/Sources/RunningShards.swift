import Synchronization

/// The parts of each shard this replica runs now, by shard: added when a shard's parts start,
/// removed when they stop (the shard released). The HTTP edge and the handover handler find a
/// shard's receiver here.
final class RunningShards<Parts: Sendable>: Sendable {
    private let running = Mutex<[Int: Parts]>([:])

    subscript(shard: Int) -> Parts? { running.withLock { $0[shard] } }

    /// Every running shard's parts, in shard order.
    var all: [Parts] { running.withLock { $0.sorted { $0.key < $1.key }.map(\.value) } }

    func add(_ parts: Parts, for shard: Int) { running.withLock { $0[shard] = parts } }

    func remove(_ shard: Int) { running.withLock { _ = $0.removeValue(forKey: shard) } }
}
