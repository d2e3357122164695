import Foundation
import GRDB
import LocalRender
@testable import ProviderBridge
import Testing
import TestSupport

/// The predictions table's two partial indexes: they hold jobs in flight only, and the scheduler's and
/// the local renderer's queries use them (SQLite takes a partial index only when the query's condition
/// matches the index's, so a reworded query could silently fall back to a table scan).
@Suite("Indexes of the jobs in flight")
struct InFlightIndexTests {
    private func plan(of request: QueryInterfaceRequest<PredictionRecord>, in db: Database) throws -> String {
        let statement = try request.makePreparedRequest(db, forSingleResult: false).statement
        return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments)
            .map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
    }

    @Test("both indexes hold only jobs in flight, and the scheduler's and the renderer's queries use them")
    func partialIndexesInUse() throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        try harness.database.pool.read { db in
            // index_list's `partial` is 1 for an index with a WHERE clause.
            let indexes = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "PRAGMA index_list(predictions)").map {
                ($0["name"] as String, $0["partial"] as Int)
            })
            #expect(indexes["predictions_due"] == 1)
            #expect(indexes["predictions_submitted_by_provider"] == 1)
            #expect(indexes["predictions_by_provider_status"] == nil)

            let due = try plan(of: PredictionRecord.due(now: Date(), excluding: ["job-busy"], limit: 8), in: db)
            #expect(due.contains("USING INDEX predictions_due"), "\(due)")
            let local = try plan(of: PredictionRecord.oldestSubmitted(provider: LocalRenderer.providerName), in: db)
            #expect(local.contains("USING INDEX predictions_submitted_by_provider"), "\(local)")
        }
    }
}
