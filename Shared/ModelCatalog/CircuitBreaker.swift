import EventContracts
import Foundation

/// One provider's circuit breaker: a state machine fed with the outcomes of work at the provider.
///
/// - **Closed** (healthy): failures that are the provider's fault are counted; a success resets the
///   count. `failureThreshold` of them in a row open the breaker; a refused credential opens it at once.
/// - **Open** (unhealthy): routing skips the provider until `openUntil`, then lets work through again.
/// - **Half-open** (after the cool-down): the next outcome decides. A success closes the breaker;
///   a failure opens it again with the cool-down doubled, up to `Policy.maximumCooldown`.
///
/// Failures that are not the provider's fault (its moderation refusing a prompt, say) do not count.
public struct CircuitBreaker: Sendable, Equatable, Codable {
    /// When to open and for how long.
    public struct Policy: Sendable, Equatable {
        public var failureThreshold: Int
        public var cooldown: Duration
        public var maximumCooldown: Duration

        public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(60), maximumCooldown: Duration = .seconds(900)) {
            self.failureThreshold = failureThreshold
            self.cooldown = cooldown
            self.maximumCooldown = maximumCooldown
        }

        public static let standard = Policy()
    }

    public enum State: String, Sendable, Codable {
        case closed, open, halfOpen = "half_open"
    }

    /// What an outcome did to the breaker, for the log.
    public enum Transition: Sendable, Equatable {
        case opened(until: Date, reason: String)
        case closed
    }

    public private(set) var state: State = .closed
    /// Provider-caused failures since the last success.
    public private(set) var consecutiveFailures = 0
    /// While open: when work may go through again, in whole milliseconds since 1970 (stored so, so
    /// that a breaker read back from its row equals the one written).
    private var openUntilMilliseconds: Int64?
    public var openUntil: Date? { openUntilMilliseconds.map(Date.init(millisecondsSince1970:)) }
    /// The cool-down used by the last opening (doubles on each failed probe).
    public private(set) var cooldownSeconds: Double = 0
    /// The last failure that counted, for the reason shown to routing and clients.
    public private(set) var lastFailure: String?

    public init() {}

    /// Failure codes that say nothing about the provider's health.
    public static let notTheProvidersFault: Set<ErrorCode> = [.contentRejected, .invalidImage, .invalidRequest, .modelCannotDo]

    /// Applies one outcome at `now`; returns the transition when the breaker opened or closed.
    public mutating func record(_ outcome: ProviderOutcome, at now: Date, policy: Policy = .standard) -> Transition? {
        let wasState = refreshed(at: now)
        state = wasState
        if outcome.succeeded {
            consecutiveFailures = 0
            guard state != .closed else { return nil }
            state = .closed
            openUntilMilliseconds = nil
            cooldownSeconds = 0
            return .closed
        }
        guard let code = outcome.code, !Self.notTheProvidersFault.contains(code) else { return nil }
        consecutiveFailures += 1
        lastFailure = "\(code.rawValue)\(outcome.message.map { ": \($0)" } ?? "")"
        let cooldown: Double
        switch state {
        case .open:
            return nil  // Already open: late reports of work sent before it opened change nothing.
        case .halfOpen:
            cooldown = min(max(cooldownSeconds, policy.cooldown.seconds) * 2, policy.maximumCooldown.seconds)
        case .closed:
            guard code == .providerAuthFailed || consecutiveFailures >= policy.failureThreshold else { return nil }
            cooldown = policy.cooldown.seconds
        }
        state = .open
        cooldownSeconds = cooldown
        openUntilMilliseconds = now.millisecondsSince1970 + Int64(cooldown * 1000)
        let until = openUntil!
        let reason = "\(consecutiveFailures) failure\(consecutiveFailures == 1 ? "" : "s") in a row (last \(lastFailure ?? "?"))"
        return .opened(until: until, reason: reason)
    }

    /// The state at `now`: an open breaker whose cool-down has passed is half-open.
    public func refreshed(at now: Date) -> State {
        if state == .open, let openUntil, now >= openUntil { return .halfOpen }
        return state
    }

    /// Why the provider should not get work at `now`, or nil when it may.
    public func unavailability(at now: Date) -> String? {
        guard refreshed(at: now) == .open, let openUntil else { return nil }
        return "\(consecutiveFailures) failures in a row (last \(lastFailure ?? "?")); retried after \(EventCoding.format(openUntil))"
    }
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
