import Signing
import Synchronization

/// Replicate's webhook signing secret: configured, or fetched from Replicate on first need and kept
/// (a failed fetch is tried again on the next webhook).
final class ReplicateSigningKey: Sendable {
    private let cached: Mutex<StandardWebhookSignature?>
    private let fetch: @Sendable () async -> StandardWebhookSignature?

    init(fixed: StandardWebhookSignature) {
        cached = Mutex(fixed)
        fetch = { fixed }
    }

    init(fetch: @escaping @Sendable () async -> StandardWebhookSignature?) {
        cached = Mutex(nil)
        self.fetch = fetch
    }

    func signature() async -> StandardWebhookSignature? {
        if let known = cached.withLock({ $0 }) { return known }
        let fetched = await fetch()
        cached.withLock { $0 = $0 ?? fetched }
        return fetched
    }
}
