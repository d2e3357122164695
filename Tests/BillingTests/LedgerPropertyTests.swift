@testable import Billing
import EventContracts
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Ledger properties")
struct LedgerPropertyTests {
    static func routed(_ job: String, workspace: String, credits: Int64) -> EventEnvelope<VideoRouted> {
        let spec = VideoJobSpec(jobID: job, workspaceID: workspace, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
        return EventEnvelope(source: "test", subject: job, workspaceID: workspace,
                             data: VideoRouted(request: spec, inputImageKeys: [], modelID: "m", provider: "local", credits: credits))
    }

    @Test("for random interleavings of grants, debits and redeliveries: never below zero, one debit per job, sums add up",
          arguments: 0..<40)
    func randomInterleavings(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = try openBillingDatabase(path: directory.url.appendingPathComponent("billing.sqlite").path)
        let workspaces = ["ws-a", "ws-b"]
        let expiring = seed % 2 == 1  // half the runs use expiring grants
        var clock = Date(timeIntervalSince1970: 1_800_000_000)
        var jobs: [String] = []

        for step in 0..<60 {
            let workspace = workspaces.randomElement(using: &random)!
            clock = clock.addingTimeInterval(Double.random(in: 1...3_600, using: &random))
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<2:
                let expiry = expiring && Bool.random(using: &random) ? clock.addingTimeInterval(Double.random(in: 600...20_000, using: &random)) : nil
                try grantCredits(Int64.random(in: 1...40, using: &random), to: workspace, expiresAt: expiry, reason: "top-up", in: ledger, now: clock)
            case 2..<4 where !jobs.isEmpty:
                // A redelivery or replay of a job already routed (possibly claiming another price).
                let job = jobs.randomElement(using: &random)!
                let owner = job.hasPrefix("ws-a") ? "ws-a" : "ws-b"
                _ = try ledger.pool.write { db in
                    try DebitHandler.debit(Self.routed(job, workspace: owner, credits: Int64.random(in: 1...30, using: &random)), in: db, now: clock)
                }
            default:
                let job = "\(workspace)-job-\(step)"
                jobs.append(job)
                _ = try ledger.pool.write { db in
                    try DebitHandler.debit(Self.routed(job, workspace: workspace, credits: Int64.random(in: 1...30, using: &random)), in: db, now: clock)
                }
            }

            for workspace in workspaces {
                let balance = try creditBalance(of: workspace, in: ledger, at: clock)
                #expect(balance >= 0, "seed \(seed) step \(step): \(workspace) balance \(balance)")
                let replayed = try ledger.pool.read { db in try CreditBalance.replayed(workspace, at: clock, in: db) }
                #expect(balance == replayed, "seed \(seed) step \(step): buckets say \(balance), the ledger replayed says \(replayed)")
                let (sum, unexpiredGrants) = try ledger.pool.read { db in
                    (try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE workspace_id = ?", arguments: [workspace])!,
                     try Int64.fetchOne(db, sql: """
                        SELECT COALESCE(SUM(amount), 0) FROM ledger_entries
                        WHERE workspace_id = ? AND amount > 0 AND (expires_at_ms IS NULL OR expires_at_ms > ?)
                        """, arguments: [workspace, clock.millisecondsSince1970])!)
                }
                if !expiring {
                    #expect(balance == sum, "seed \(seed) step \(step): balance \(balance) ≠ sum of entries \(sum)")
                } else {
                    #expect(balance <= unexpiredGrants, "seed \(seed) step \(step)")
                }
            }
        }
        try ledger.pool.read { db in
            let duplicates = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (SELECT job_id FROM ledger_entries WHERE kind = 'debit' GROUP BY job_id HAVING COUNT(*) > 1)
                """)
            #expect(duplicates == 0, "seed \(seed)")
        }
        #expect(try verifyLedger(path: ledger.path).problems.isEmpty)
    }

    @Test("many debits and grants in one session (as a consumer batch applies them) leave what one entry per transaction would",
          arguments: 0..<20)
    func batchedSession(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = try openBillingDatabase(path: directory.url.appendingPathComponent("billing.sqlite").path)
        let workspaces = ["ws-a", "ws-b", "ws-c"]
        var clock = Date(timeIntervalSince1970: 1_800_000_000)
        for _ in 0..<8 {
            let expiry = Bool.random(using: &random) ? clock.addingTimeInterval(Double.random(in: 60...40_000, using: &random)) : nil
            try grantCredits(Int64.random(in: 1...30, using: &random), to: workspaces.randomElement(using: &random)!, expiresAt: expiry,
                             reason: "top-up", in: ledger, now: clock)
            clock = clock.addingTimeInterval(10)
        }
        // Some grants have lapsed by the time the batch runs.
        clock = clock.addingTimeInterval(Double.random(in: 0...20_000, using: &random))
        let now = clock
        var jobs: [String] = []
        let outcomes = try ledger.pool.write { db in
            var session = LedgerSession(db: db, now: now)
            var outcomes: [DebitHandler.DebitOutcome] = []
            for step in 0..<80 {
                let workspace = workspaces.randomElement(using: &random)!
                if step % 17 == 16 {
                    // A grant in the middle of the batch, possibly expiring before the others.
                    let expiry = Bool.random(using: &random) ? now.addingTimeInterval(Double.random(in: 60...40_000, using: &random)) : nil
                    try session.append(LedgerEntry(id: "grant:batch-\(step)", workspaceID: workspace, amount: 15, kind: .grant, jobID: nil,
                                                   reason: "top-up", createdAt: now, expiresAt: expiry))
                    continue
                }
                let job = !jobs.isEmpty && Int.random(in: 0..<5, using: &random) == 0 ? jobs.randomElement(using: &random)! : "\(workspace)-job-\(step)"
                jobs.append(job)
                let owner = String(job.prefix(4))
                let json = try RawJSON(Self.routed(job, workspace: owner, credits: Int64.random(in: 1...9, using: &random)).encoded())
                outcomes.append(try DebitHandler.debit(DebitRequest(json: json, header: EventHeader.decode(json)), in: &session, db: db))
            }
            try session.finish()
            return outcomes
        }
        #expect(outcomes.contains { if case .debited = $0 { true } else { false } }, "seed \(seed): nothing was debited")
        for workspace in workspaces {
            let balance = try creditBalance(of: workspace, in: ledger, at: now)
            let replayed = try ledger.pool.read { db in try CreditBalance.replayed(workspace, at: now, in: db) }
            #expect(balance >= 0)
            #expect(balance == replayed, "seed \(seed): buckets say \(balance), the ledger replayed says \(replayed)")
        }
        let duplicates = try ledger.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT job_id FROM ledger_entries WHERE kind = 'debit' GROUP BY job_id HAVING COUNT(*) > 1)")
        }
        #expect(duplicates == 0, "seed \(seed)")
        #expect(try verifyLedger(path: ledger.path).problems.isEmpty)
    }

    @Test("debits use the soonest-expiring credits first, and lapsed credits stop counting")
    func expiryOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = try openBillingDatabase(path: directory.url.appendingPathComponent("billing.sqlite").path)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try grantCredits(10, to: "ws", reason: "lasting", in: ledger, now: start)
        try grantCredits(10, to: "ws", expiresAt: start.addingTimeInterval(3_600), reason: "promo", in: ledger, now: start)
        #expect(try creditBalance(of: "ws", in: ledger, at: start) == 20)
        _ = try ledger.pool.write { db in try DebitHandler.debit(Self.routed("j1", workspace: "ws", credits: 8), in: db, now: start.addingTimeInterval(60)) }
        // The debit drained the promo (expiring) grant first: 2 promo + 10 lasting left.
        #expect(try creditBalance(of: "ws", in: ledger, at: start.addingTimeInterval(120)) == 12)
        // After the promo lapses only the lasting 10 count.
        #expect(try creditBalance(of: "ws", in: ledger, at: start.addingTimeInterval(7_200)) == 10)
        let outcome = try ledger.pool.write { db in
            try DebitHandler.debit(Self.routed("j2", workspace: "ws", credits: 11), in: db, now: start.addingTimeInterval(7_200))
        }
        guard case .rejected(let balance) = outcome else {
            Issue.record("a debit above the unexpired balance was accepted")
            return
        }
        #expect(balance == 10)
    }
}
