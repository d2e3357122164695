import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import ModelCatalog
import Testing
import TestSupport

@Suite("Which providers a running provider-bridge serves")
struct ProviderAnnouncementTests {
    static func announcement(_ providers: [String], bridge: String = "bridge-a", at time: Date, validFor seconds: Int = 180, id: String = EventID.make()) throws -> [UInt8] {
        try EventEnvelope(id: id, source: "provider-bridge", subject: bridge, workspaceID: "", time: time,
                          data: ProvidersAnnounced(bridgeID: bridge, providers: providers, validForSeconds: seconds)).encoded()
    }

    @Test("a bridge's announcement makes its providers available until it expires; a later one replaces it, an older one changes nothing, and a restart remembers")
    func announcements() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("router.sqlite").path
        let migrations: (inout DatabaseMigrator) -> Void = {
            $0.registerMigration("test-v1-breakers", migrate: ProviderBreakerRecord.createTable)
            $0.registerMigration("test-v2-announcements", migrate: ProviderAnnouncementRecord.createTable)
        }
        let database = try ServiceDatabase(path: path, migrations: migrations)
        let health = try ProviderHealth.load(from: database)
        let handler = ProviderAnnouncementHandler(health: health, logger: Logger(label: "test"))
        #expect(!health.hasHeardFromABridge)
        #expect(health.availability().configured == ["local"], "nothing remote before any bridge speaks")
        #expect(health.availability().unavailability(of: "kling")?.contains("KLING_ACCESS_KEY") == true)

        let now = Date()
        let first = try IncomingEvent(bytes: Self.announcement(["kling", "replicate"], at: now), database: database)
        try await handler.handle(first)
        try await handler.handle(first)
        #expect(health.hasHeardFromABridge)
        #expect(health.served(at: now) == ["kling", "replicate"])
        #expect(health.served(at: now.addingTimeInterval(181)).isEmpty, "an announcement not renewed expires")

        // A second bridge adds its own; the first one's later announcement drops kling; a stale one is ignored.
        try await handler.handle(IncomingEvent(bytes: Self.announcement(["luma"], bridge: "bridge-b", at: now), database: database))
        try await handler.handle(IncomingEvent(bytes: Self.announcement(["replicate"], at: now.addingTimeInterval(5)), database: database))
        try await handler.handle(IncomingEvent(bytes: Self.announcement(["kling", "google"], at: now.addingTimeInterval(-60)), database: database))
        #expect(health.served(at: now.addingTimeInterval(6)) == ["replicate", "luma"])

        let restarted = try ProviderHealth.load(from: ServiceDatabase(path: path, migrations: migrations))
        #expect(restarted.served(at: now.addingTimeInterval(6)) == ["replicate", "luma"])
        #expect(restarted.hasHeardFromABridge)
    }

    @Test("a model of a provider no bridge serves is refused, and a video type falls back past it")
    func routingFollowsAnnouncements() throws {
        let health = ProviderHealth()
        let routing = RoutingConfiguration(catalog: try ModelCatalog.bundled())
        let spec = VideoJobSpec(jobID: "j", workspaceID: "w", videoType: .socialReel, model: "seedance-pro", cameraMotion: nil, prompt: "p",
                                style: nil, aspectRatio: .landscape, durationSeconds: 5)
        health.update(.init(providers: ["kling", "replicate", "fal"], announcedAt: Date(), expiresAt: Date().addingTimeInterval(60)), of: "b")
        #expect(throws: Never.self) { try routing.selector(health: health).select(for: spec, imageCount: 1) }
        health.update(.init(providers: ["kling", "replicate"], announcedAt: Date().addingTimeInterval(1), expiresAt: Date().addingTimeInterval(60)), of: "b")
        let error = try #require(throws: RoomReelError.self) { try routing.selector(health: health).select(for: spec, imageCount: 1) }
        #expect(error.code == .modelUnavailable && error.message.contains("no running provider-bridge serves provider fal"), "\(error)")
    }
}
