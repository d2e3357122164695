/// A token bucket: `size` tokens, refilled at `perSecond`, one taken per request. Times are seconds
/// on a monotonic clock, passed in so that the arithmetic is testable.
struct TokenBucket: Sendable, Equatable {
    private(set) var tokens: Double
    private(set) var updatedAt: Double

    init(size: Int, now: Double) {
        tokens = Double(size)
        updatedAt = now
    }

    /// What a request learnt from the bucket.
    struct Decision: Sendable, Equatable {
        var admitted: Bool
        /// Whole tokens left after this request.
        var remaining: Int
        /// Seconds until the next token, when none is left (or until the bucket is full again).
        var resetSeconds: Int
    }

    /// Takes a token if there is one, after refilling for the time since the last request.
    mutating func take(size: Int, perSecond: Double, now: Double) -> Decision {
        refill(size: size, perSecond: perSecond, now: now)
        let admitted = tokens >= 1
        if admitted { tokens -= 1 }
        let reset = tokens >= 1 ? (Double(size) - tokens) / perSecond : (1 - tokens) / perSecond
        return Decision(admitted: admitted, remaining: Int(tokens.rounded(.down)), resetSeconds: max(admitted ? 0 : 1, Int(reset.rounded(.up))))
    }

    /// Whether the bucket would be full at `now`: such a bucket is the same as none, and can go.
    func isFull(size: Int, perSecond: Double, now: Double) -> Bool {
        tokens + (now - updatedAt) * perSecond >= Double(size)
    }

    private mutating func refill(size: Int, perSecond: Double, now: Double) {
        let elapsed = max(0, now - updatedAt)
        tokens = min(Double(size), tokens + elapsed * perSecond)
        updatedAt = now
    }
}
