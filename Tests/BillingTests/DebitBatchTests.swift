@testable import Billing
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import Testing
import TestSupport

@Suite("Debit batches")
struct DebitBatchTests {
    static func event(_ job: String, credits: Int64, id: String = UUID().uuidString, database: ServiceDatabase) throws -> IncomingEvent {
        let spec = VideoJobSpec(jobID: job, workspaceID: "ws", videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
        let envelope = EventEnvelope(id: id, source: "test", subject: job, workspaceID: "ws",
                                     data: VideoRouted(request: spec, inputImageKeys: [], modelID: "m", provider: "local", credits: credits))
        let bytes = try envelope.encoded()
        return try IncomingEvent(bytes: bytes, database: database)
    }

    @Test("a batch debits each job once, skips redelivered event ids within and across batches, and rejects what the balance cannot cover")
    func batch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openBillingDatabase(path: directory.url.appendingPathComponent("billing.sqlite").path)
        try grantCredits(10, to: "ws", reason: "test", in: database)
        let handler = DebitHandler(faults: FaultPoints(), logger: Logger(label: "test"))

        let first = try Self.event("j1", credits: 4, id: "e1", database: database)
        let batch = [first, try Self.event("j2", credits: 4, id: "e2", database: database), first,
                     try Self.event("j1", credits: 4, id: "e3", database: database),   // replay of j1 under a new id
                     try Self.event("j3", credits: 4, id: "e4", database: database)]   // 2 left: rejected
        try await handler.handle(batch: batch, database: database)
        try await handler.handle(batch: [first, try Self.event("j2", credits: 4, id: "e2", database: database)], database: database)

        try await database.pool.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT job_id FROM ledger_entries WHERE kind = 'debit' ORDER BY job_id") == ["j1", "j2"])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") == 4)
            let topics = try String.fetchAll(db, sql: "SELECT topic FROM outbox ORDER BY sequence")
            // The grant is announced too (every grant is, for api-ingress's balance view).
            #expect(topics == ["credits.granted", "credits.debited", "credits.debited", "credits.rejected"])
        }
        #expect(try creditBalance(of: "ws", in: database) == 2)
    }
}
