import Foundation

/// When to try a failed webhook again: growing delays (5 s, 30 s, 2 min … 10 h) with ±20 % jitter,
/// so that a client that is down for a day still gets its message: the schedule spans about 32
/// hours. `scale` shrinks it (tests use a tiny one to run the whole schedule in moments).
struct WebhookRetrySchedule: Sendable {
    static let delays: [TimeInterval] = [5, 30, 120, 300, 900, 1800, 3600, 7200, 14_400, 21_600, 28_800, 36_000]

    var scale: Double = 1

    /// The delay before attempt `attempt + 1` after `attempt` failed attempts, or nil to give up.
    func delay(afterAttempt attempt: Int, random: Double = Double.random(in: -1...1)) -> TimeInterval? {
        guard attempt >= 1, attempt <= Self.delays.count else { return nil }
        return Self.delays[attempt - 1] * (1 + 0.2 * random) * scale
    }

    /// The most attempts a message gets: the first and one per delay.
    var maximumAttempts: Int { Self.delays.count + 1 }
}
