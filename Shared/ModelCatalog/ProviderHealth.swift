import Foundation
import Synchronization

/// Every provider's circuit breaker, shared between the consumer that feeds them
/// (`ProviderHealthHandler`) and the code that reads them (routing, `GET /v1/models`).
public final class ProviderHealth: Sendable {
    private let breakers: Mutex<[String: CircuitBreaker]>
    public let policy: CircuitBreaker.Policy

    public init(breakers: [String: CircuitBreaker] = [:], policy: CircuitBreaker.Policy = .standard) {
        self.breakers = Mutex(breakers)
        self.policy = policy
    }

    /// The breaker of `provider` (a closed one when it has never failed).
    public func breaker(of provider: String) -> CircuitBreaker {
        breakers.withLock { $0[provider] ?? CircuitBreaker() }
    }

    /// Replaces the breaker of `provider`, once its new state is committed.
    public func update(_ breaker: CircuitBreaker, of provider: String) {
        breakers.withLock { $0[provider] = breaker }
    }

    /// The providers whose breakers are open at `now`, with why.
    public func unhealthy(at now: Date) -> [String: String] {
        breakers.withLock { breakers in
            breakers.compactMapValues { $0.unavailability(at: now) }
        }
    }

    /// `base` (providers with credentials) minus the providers unhealthy at `now`.
    public func availability(_ base: ProviderAvailability, at now: Date = Date()) -> ProviderAvailability {
        var availability = base
        availability.unhealthy.merge(unhealthy(at: now)) { configured, _ in configured }
        return availability
    }
}
