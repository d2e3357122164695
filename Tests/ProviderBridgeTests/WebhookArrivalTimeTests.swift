import EventContracts
import EventRuntime
import Foundation
import GRDB
@testable import ProviderBridge
import Testing

/// A webhook's arrival is when the bridge learned of the ending: the job's change and its events
/// carry that time, not the (later) time of the commit it waited for, so the relay's publish delay
/// runs from the webhook's receipt.
@Suite("Webhook arrival time")
struct WebhookArrivalTimeTests {
    @Test("the receipt, the job's update and both events carry the webhook's arrival time")
    func eventsCarryArrival() async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        // A clock two seconds behind: any time taken later, at the commit, would be two seconds off.
        let arrival = EventCoding.wholeMilliseconds(Date().addingTimeInterval(-2))
        var clocked = harness.receiver
        clocked.now = { arrival }
        let receiver = clocked
        try await harness.serve { _ in
            let body = WebhookHarness.predictionBody()
            let timestamp = Int64(arrival.timeIntervalSince1970)
            let answer = await receiver.receiveReplicate(
                webhookID: "msg_arrival", timestamp: "\(timestamp)", signature: harness.sign(id: "msg_arrival", timestamp: timestamp, body: body),
                body: body, jobHint: WebhookHarness.replicateJob)
            #expect(answer.code == "RECORDED")
        }
        let (receivedAt, updatedAt, outbox) = try await harness.database.pool.read { db in
            (try Date.fetchOne(db, sql: "SELECT received_at FROM webhook_receipts WHERE webhook_id = 'msg_arrival'"),
             try Date.fetchOne(db, sql: "SELECT updated_at FROM predictions WHERE job_id = ?", arguments: [WebhookHarness.replicateJob]),
             try OutboxRecord.order(Column("sequence")).fetchAll(db))
        }
        // Compared as whole milliseconds, the precision rows and events keep.
        let expected = arrival.millisecondsSince1970
        #expect(receivedAt?.millisecondsSince1970 == expected)
        #expect(updatedAt?.millisecondsSince1970 == expected)
        #expect(outbox.map(\.topic) == [EventType.videoGenerated.topic, EventType.providerOutcome.topic])
        for row in outbox {
            #expect(row.createdAt.millisecondsSince1970 == expected)
            #expect(try EventHeader.decode(Array(row.payload)).time.millisecondsSince1970 == expected)
        }
    }
}
