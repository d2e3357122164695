import EventContracts
import Foundation
import Synchronization

/// Which providers can take work, shared between the consumers that learn it and the code that reads
/// it (routing, `GET /v1/models`): the providers each running provider-bridge announced
/// (`providers.announced`, fed by `ProviderAnnouncementHandler`) and every provider's circuit
/// breaker (`provider.outcome`, fed by `ProviderHealthHandler`).
public final class ProviderHealth: Sendable {
    /// One bridge's latest announcement.
    public struct Announcement: Sendable, Equatable {
        public var providers: Set<String>
        public var announcedAt: Date
        public var expiresAt: Date

        public init(providers: Set<String>, announcedAt: Date, expiresAt: Date) {
            self.providers = providers
            self.announcedAt = announcedAt
            self.expiresAt = expiresAt
        }
    }

    private struct State {
        var breakers: [String: CircuitBreaker]
        var announcements: [String: Announcement]
    }

    private let state: Mutex<State>
    public let policy: CircuitBreaker.Policy

    public init(breakers: [String: CircuitBreaker] = [:], announcements: [String: Announcement] = [:], policy: CircuitBreaker.Policy = .standard) {
        state = Mutex(State(breakers: breakers, announcements: announcements))
        self.policy = policy
    }

    /// The breaker of `provider` (a closed one when it has never failed).
    public func breaker(of provider: String) -> CircuitBreaker {
        state.withLock { $0.breakers[provider] ?? CircuitBreaker() }
    }

    /// Replaces the breaker of `provider`, once its new state is committed.
    public func update(_ breaker: CircuitBreaker, of provider: String) {
        state.withLock { $0.breakers[provider] = breaker }
    }

    /// Records `bridge`'s announcement, once it is committed; an older one than held changes nothing.
    public func update(_ announcement: Announcement, of bridge: String) {
        state.withLock { state in
            if let held = state.announcements[bridge], held.announcedAt > announcement.announcedAt { return }
            state.announcements[bridge] = announcement
        }
    }

    /// Whether any bridge has ever announced (expired or not): until one has, nobody knows which
    /// providers will be served.
    public var hasHeardFromABridge: Bool {
        state.withLock { !$0.announcements.isEmpty }
    }

    /// The providers whose breakers are open at `now`, with why.
    public func unhealthy(at now: Date) -> [String: String] {
        state.withLock { state in
            state.breakers.compactMapValues { $0.unavailability(at: now) }
        }
    }

    /// The providers served by some bridge whose announcement holds at `now`.
    public func served(at now: Date) -> Set<String> {
        state.withLock { state in
            state.announcements.values.filter { $0.expiresAt > now }.reduce(into: Set<String>()) { $0.formUnion($1.providers) }
        }
    }

    /// What can take work at `now`: the providers served, minus those unhealthy.
    public func availability(at now: Date = Date()) -> ProviderAvailability {
        ProviderAvailability(configured: served(at: now), unhealthy: unhealthy(at: now))
    }
}
