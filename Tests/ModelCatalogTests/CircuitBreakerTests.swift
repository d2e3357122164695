import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import ModelCatalog
import Testing
import TestSupport

@Suite("Provider circuit breakers")
struct CircuitBreakerTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let failure = ProviderOutcome.failure(provider: "kling", modelID: "kling-v3.0", error: RoomReelError(.providerError, "HTTP 503"))
    static let success = ProviderOutcome.success(provider: "kling", modelID: "kling-v3.0")

    @Test("five provider failures in a row open the breaker for the cool-down; fewer, or a success between, do not")
    func threshold() {
        var breaker = CircuitBreaker()
        for index in 0..<4 { #expect(breaker.record(Self.failure, at: Self.start.addingTimeInterval(Double(index))) == nil) }
        #expect(breaker.record(Self.success, at: Self.start.addingTimeInterval(5)) == nil)
        for index in 0..<4 { #expect(breaker.record(Self.failure, at: Self.start.addingTimeInterval(Double(10 + index))) == nil) }
        #expect(breaker.unavailability(at: Self.start.addingTimeInterval(14)) == nil)
        let opened = breaker.record(Self.failure, at: Self.start.addingTimeInterval(15))
        #expect(opened == .opened(until: Self.start.addingTimeInterval(75), reason: "5 failures in a row (last PROVIDER_ERROR: HTTP 503)"))
        #expect(breaker.unavailability(at: Self.start.addingTimeInterval(74))?.contains("PROVIDER_ERROR") == true)
        #expect(breaker.unavailability(at: Self.start.addingTimeInterval(75)) == nil, "half-open once the cool-down is over")
        #expect(breaker.refreshed(at: Self.start.addingTimeInterval(75)) == .halfOpen)
    }

    @Test("a refused credential opens it at once; moderation refusals never count")
    func immediateAndIgnored() {
        var breaker = CircuitBreaker()
        let moderated = ProviderOutcome.failure(provider: "kling", modelID: "kling-v3.0", error: RoomReelError(.contentRejected, "nsfw"))
        for index in 0..<20 { #expect(breaker.record(moderated, at: Self.start.addingTimeInterval(Double(index))) == nil) }
        #expect(breaker.state == .closed)
        let auth = ProviderOutcome.failure(provider: "kling", modelID: "kling-v3.0", error: RoomReelError(.providerAuthFailed, "401"))
        guard case .opened = breaker.record(auth, at: Self.start.addingTimeInterval(30)) else {
            Issue.record("an auth failure did not open the breaker")
            return
        }
        #expect(breaker.unavailability(at: Self.start.addingTimeInterval(31)) != nil)
    }

    @Test("half-open: a success closes it; a failure reopens it with the cool-down doubled, up to the maximum")
    func halfOpen() {
        let policy = CircuitBreaker.Policy(failureThreshold: 1, cooldown: .seconds(60), maximumCooldown: .seconds(200))
        var breaker = CircuitBreaker()
        var clock = Self.start
        #expect(breaker.record(Self.failure, at: clock, policy: policy) == .opened(until: clock.addingTimeInterval(60), reason: "1 failure in a row (last PROVIDER_ERROR: HTTP 503)"))
        // A late report of work sent before it opened changes nothing.
        #expect(breaker.record(Self.failure, at: clock.addingTimeInterval(1), policy: policy) == nil)
        for expected in [120.0, 200, 200] {
            clock = breaker.openUntil!
            guard case .opened(let until, _) = breaker.record(Self.failure, at: clock, policy: policy) else {
                Issue.record("a failed probe did not reopen the breaker")
                return
            }
            #expect(until.timeIntervalSince(clock) == expected)
        }
        clock = breaker.openUntil!
        #expect(breaker.record(Self.success, at: clock, policy: policy) == .closed)
        #expect(breaker.state == .closed && breaker.consecutiveFailures == 0 && breaker.openUntil == nil)
    }

    @Test("the handler commits each outcome once with its inbox row, publishes it to routing, and a restart remembers it")
    func handlerPersists() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("router.sqlite").path
        let migrations: (inout DatabaseMigrator) -> Void = {
            $0.registerMigration("test-v1-breakers", migrate: ProviderBreakerRecord.createTable)
            $0.registerMigration("test-v2-announcements", migrate: ProviderAnnouncementRecord.createTable)
        }
        let database = try ServiceDatabase(path: path, migrations: migrations)
        let health = try ProviderHealth.load(from: database)
        let handler = ProviderHealthHandler(health: health, logger: Logger(label: "test"))
        let events = try (0..<5).map { index in
            try IncomingEvent(bytes: EventEnvelope(id: "outcome-\(index)", source: "provider-bridge", subject: "job-\(index)", workspaceID: "ws",
                                                   data: Self.failure).encoded(), database: database)
        }
        for event in events.prefix(4) {
            try await handler.handle(event)
            try await handler.handle(event)  // a redelivery counts once
        }
        #expect(health.breaker(of: "kling").consecutiveFailures == 4)
        #expect(health.unhealthy(at: Date()).isEmpty)
        try await handler.handle(events[4])
        #expect(health.unhealthy(at: Date())["kling"] != nil)

        health.update(ProviderHealth.Announcement(providers: ["kling", "google"], announcedAt: Date(), expiresAt: Date().addingTimeInterval(60)),
                      of: "bridge-a")
        #expect(health.availability().unavailability(of: "kling")?.contains("unhealthy") == true)
        #expect(health.availability().unavailability(of: "google") == nil)

        let restarted = try ProviderHealth.load(from: ServiceDatabase(path: path, migrations: migrations))
        #expect(restarted.breaker(of: "kling") == health.breaker(of: "kling"))
        #expect(restarted.unhealthy(at: Date())["kling"] != nil)
    }
}
