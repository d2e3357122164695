@testable import Billing
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Ledger hash chain")
struct LedgerChainTests {
    /// A ledger with grants for two workspaces and debits through billing's own debit path.
    static func ledger(in directory: TemporaryDirectory) throws -> ServiceDatabase {
        let database = try openBillingDatabase(path: directory.url.appendingPathComponent("billing.sqlite").path)
        try applyBootstrapGrants([("ws-a", 100), ("ws-b", 50)], in: database)
        try database.pool.write { db in
            for index in 0..<5 {
                let workspace = index % 2 == 0 ? "ws-a" : "ws-b"
                let spec = VideoJobSpec(jobID: "job-\(index)", workspaceID: workspace, videoType: .cameraMotion, model: nil,
                                        cameraMotion: .zoomIn, prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
                let routed = EventEnvelope(source: "test", subject: spec.jobID, workspaceID: workspace,
                                           data: VideoRouted(request: spec, inputImageKeys: [], modelID: "local-camera-motion", provider: "local", credits: 3))
                _ = try DebitHandler.debit(routed, in: db)
            }
        }
        return database
    }

    @Test("an untouched ledger verifies, numbered 1, 2, 3… per workspace")
    func intact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.ledger(in: directory)
        let (entries, problems) = try verifyLedger(path: database.path)
        #expect(entries == 7)
        #expect(problems.isEmpty, "\(problems)")
        let sequences = try database.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT workspace_sequence FROM ledger_entries WHERE workspace_id = 'ws-a' ORDER BY workspace_sequence")
        }
        #expect(sequences == [1, 2, 3, 4])
    }

    @Test("changing a row's amount is caught at that row")
    func tamperedAmount() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.ledger(in: directory)
        // Someone with file access bypasses the append-only trigger and refunds a debit.
        try database.pool.write { db in
            try db.execute(sql: "DROP TRIGGER ledger_entries_no_update")
            try db.execute(sql: "UPDATE ledger_entries SET amount = 0 WHERE id = 'debit:job-2'")
        }
        let (_, problems) = try verifyLedger(path: database.path)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("debit:job-2") == true && problems.first?.contains("a field was changed") == true, "\(problems)")
    }

    @Test("deleting a row breaks the chain after it")
    func deletedRow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.ledger(in: directory)
        try database.pool.write { db in
            try db.execute(sql: "DROP TRIGGER ledger_entries_no_delete")
            try db.execute(sql: "DELETE FROM ledger_entries WHERE id = 'debit:job-1'")
        }
        let (_, problems) = try verifyLedger(path: database.path)
        #expect(problems.contains { $0.contains("debit:job-3") && $0.contains("missing") }, "\(problems)")
    }

    @Test("the ledger stays append-only: updates and deletes are refused")
    func appendOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.ledger(in: directory)
        #expect(throws: DatabaseError.self) {
            try database.pool.write { db in try db.execute(sql: "UPDATE ledger_entries SET amount = 0") }
        }
        #expect(throws: DatabaseError.self) {
            try database.pool.write { db in try db.execute(sql: "DELETE FROM ledger_entries") }
        }
    }

    @Test("a replayed video.routed debits nothing more, and the balance never goes below zero")
    func debitOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.ledger(in: directory)
        try database.pool.write { db in
            let spec = VideoJobSpec(jobID: "job-0", workspaceID: "ws-a", videoType: .cameraMotion, model: nil,
                                    cameraMotion: .zoomIn, prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
            let replay = EventEnvelope(source: "test", subject: "job-0", workspaceID: "ws-a",
                                       data: VideoRouted(request: spec, inputImageKeys: [], modelID: "m", provider: "local", credits: 3))
            guard case .alreadyDebited = try DebitHandler.debit(replay, in: db) else {
                Issue.record("replay was charged")
                return
            }
            var bigSpec = spec
            bigSpec.jobID = "job-big"
            bigSpec.workspaceID = "ws-b"
            let big = EventEnvelope(source: "test", subject: "job-big", workspaceID: "ws-b",
                                    data: VideoRouted(request: bigSpec, inputImageKeys: [], modelID: "m", provider: "local", credits: 1000))
            guard case .rejected(let balance) = try DebitHandler.debit(big, in: db) else {
                Issue.record("overdraft was allowed")
                return
            }
            #expect(balance == 50 - 3 * 2)
        }
        #expect(try verifyLedger(path: database.path).problems.isEmpty)
    }

    @Test("a ledger written before the chain existed is numbered and chained by the v2 migration")
    func migratesOldLedger() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("billing.sqlite").path
        do {
            let old = try ServiceDatabase(path: path) { LedgerEntry.registerMigrations(&$0) }
            try old.pool.write { db in
                for (id, workspace, amount) in [("grant:1", "ws-a", 100), ("debit:j1", "ws-a", -3), ("grant:2", "ws-b", 10), ("debit:j2", "ws-a", -4)] {
                    try db.execute(sql: """
                        INSERT INTO ledger_entries (id, workspace_id, amount, kind, job_id, reason, created_at)
                        VALUES (?, ?, ?, ?, ?, 'old', '2026-11-01 10:00:00.125')
                        """, arguments: [id, workspace, amount, amount > 0 ? "grant" : "debit", amount > 0 ? nil : id])
                }
            }
        }
        let database = try openBillingDatabase(path: path)
        let (entries, problems) = try verifyLedger(path: path)
        #expect(entries == 4 && problems.isEmpty, "\(problems)")
        let chain = try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, workspace_sequence, created_at_ms FROM ledger_entries WHERE workspace_id = 'ws-a' ORDER BY workspace_sequence")
        }
        #expect(chain.map { $0["id"] as String } == ["grant:1", "debit:j1", "debit:j2"])
        #expect(chain.first?["created_at_ms"] as Int64? == 1_793_527_200_125)
        try database.pool.write { db in
            try LedgerChain.append(LedgerEntry(id: "grant:3", workspaceID: "ws-a", amount: 5, kind: .grant, jobID: nil, reason: "new"), in: db)
        }
        #expect(try verifyLedger(path: path).problems.isEmpty)
    }
}
