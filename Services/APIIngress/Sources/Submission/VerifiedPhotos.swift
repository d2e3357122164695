import Synchronization

/// SHA-256s of photos that passed the full decode check, so the same bytes sent again (the same room
/// for another camera move, a retried request) skip the ffmpeg run: the same bytes decode the same
/// way. Bounded; forgets everything when full.
final class VerifiedPhotos: Sendable {
    private let digests = Mutex<Set<String>>([])
    private let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    func contains(_ digest: String) -> Bool { digests.withLock { $0.contains(digest) } }

    func insert(_ digest: String) {
        digests.withLock { digests in
            if digests.count >= capacity { digests.removeAll(keepingCapacity: true) }
            digests.insert(digest)
        }
    }
}
