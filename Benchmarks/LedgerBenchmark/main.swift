import Billing
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging

// Debits per second through billing's real code path (header decode as the consumer does it, the
// handler's read of the payload, inbox, one-debit check, balance from
// grant buckets, hash-chained ledger row, bucket update, outbox row; one durable transaction per
// batch, WAL, synchronous=FULL), beside a bare loop that inserts the same three rows per debit with
// cached statements in the same kind of file with the same durability (the floor).
//
//   swift run -c release ledger-benchmark [events-per-run]

let eventCount = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let workspaces = (0..<8).map { "ws-\($0)" }
let root = FileManager.default.temporaryDirectory.appendingPathComponent("roomreel-ledger-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: root) }

/// The encoded `video.routed` events of one run, as they arrive from Kafka.
func events(_ count: Int, run: String) throws -> [[UInt8]] {
    try (0..<count).map { index in
        let workspace = workspaces[index % workspaces.count]
        let job = "\(run)-job-\(index)"
        let spec = VideoJobSpec(jobID: job, workspaceID: workspace, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
        return try EventEnvelope(source: "bench", subject: job, workspaceID: workspace,
                                 data: VideoRouted(request: spec, inputImageKeys: ["inputs/\(job)/image-0.jpg"], modelID: "local-camera-motion",
                                                   provider: "local", credits: 1)).encoded()
    }
}

/// What the consumer does with each polled message before the handler sees it: decode the header.
func incoming(_ bytes: [UInt8], database: ServiceDatabase) throws -> IncomingEvent {
    try IncomingEvent(bytes: bytes, database: database)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// billing's path: `DebitHandler.handle(batch:)`, exactly as the consumer calls it.
func billingPath(batch: Int, count: Int, round: Int) async throws -> Double {
    let file = root.appendingPathComponent("billing-\(batch)-\(round).sqlite").path
    let database = try openBillingDatabase(path: file)
    for workspace in workspaces { try grantCredits(10_000_000, to: workspace, reason: "bench", in: database) }
    let handler = DebitHandler(faults: FaultPoints(), logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    let all = try events(count, run: "b\(batch)-\(round)")
    let start = ContinuousClock.now
    for offset in stride(from: 0, to: all.count, by: batch) {
        let polled = try all[offset..<min(offset + batch, all.count)].map { try incoming($0, database: database) }
        try await handler.handle(batch: polled, database: database)
    }
    let elapsed = seconds(ContinuousClock.now - start)
    let debits = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit'")! }
    precondition(debits == count, "expected \(count) debits, found \(debits)")
    // The fast path must still be the real thing: one credits.debited per debit, every one readable
    // by the consumers' decoder, and every chain intact.
    let published = try await database.pool.read { db in try Data.fetchAll(db, sql: "SELECT payload FROM outbox WHERE topic = 'credits.debited'") }
    precondition(published.count == count, "expected \(count) credits.debited events, found \(published.count)")
    for payload in published { _ = try EventEnvelope<CreditsDebited>.decode(Array(payload)) }
    let verified = try verifyLedger(path: file)
    precondition(verified.problems.isEmpty, "ledger chain broken: \(verified.problems.prefix(3))")
    return Double(count) / elapsed
}

/// The floor: the same inbox, ledger and outbox rows, precomputed, inserted with cached statements.
func bareLoop(batch: Int, count: Int, round: Int) async throws -> Double {
    let database = try openBillingDatabase(path: root.appendingPathComponent("bare-\(batch)-\(round).sqlite").path)
    let payload = Data(repeating: 0x7B, count: 700)  // about the size of a credits.debited envelope
    let start = ContinuousClock.now
    for offset in stride(from: 0, to: count, by: batch) {
        try await database.pool.write { db in
            let inbox = try db.cachedStatement(sql: "INSERT INTO inbox (event_id, event_type, processed_at) VALUES (?, 'video.routed', '2026-11-22 12:00:00.000')")
            let ledger = try db.cachedStatement(sql: """
                INSERT INTO ledger_entries (id, workspace_id, amount, kind, job_id, reason, created_at, created_at_ms, workspace_sequence, previous_hash, entry_hash)
                VALUES (?, ?, -1, 'debit', ?, 'bench', '2026-11-22 12:00:00.000', 1795000000000, ?, ?, ?)
                """)
            let outbox = try db.cachedStatement(sql: "INSERT INTO outbox (event_id, topic, key, payload, created_at) VALUES (?, 'credits.debited', ?, ?, '2026-11-22 12:00:00.000')")
            for index in offset..<min(offset + batch, count) {
                let workspace = workspaces[index % workspaces.count]
                let hash = String(repeating: "a", count: 64)
                try inbox.execute(arguments: ["event-\(index)"])
                try ledger.execute(arguments: ["debit:\(index)", workspace, "job-\(index)", index / workspaces.count + 1, hash, hash])
                try outbox.execute(arguments: ["out-\(index)", workspace, payload])
            }
        }
    }
    return Double(count) / seconds(ContinuousClock.now - start)
}

// Three rounds, alternating the two loops, and the median of each: this 2-core machine's timings
// vary by some 15% from run to run.
let rounds = 3
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print("| batch | events | billing path (debits/s, median of \(rounds)) | bare SQLite floor (median) | floor ÷ billing | billing runs |")
print("|---|---|---|---|---|---|")
for batch in [1, 100, 500] {
    let count = batch == 1 ? min(eventCount, 2_000) : eventCount
    var billing: [Double] = []
    var floor: [Double] = []
    for round in 0..<rounds {
        billing.append(try await billingPath(batch: batch, count: count, round: round))
        floor.append(try await bareLoop(batch: batch, count: count, round: round))
    }
    let (billingMedian, floorMedian) = (median(billing), median(floor))
    print("| \(batch) | \(count) | \(Int(billingMedian)) | \(Int(floorMedian)) | \(String(format: "%.2f", floorMedian / billingMedian))× | \(billing.map { String(Int($0)) }.joined(separator: ", ")) |")
}
