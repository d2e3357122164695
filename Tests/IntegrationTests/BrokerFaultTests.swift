import EventContracts
import Foundation
import GRDB
import Testing
import TestSupport

/// Jobs through the five services while the mock cluster misbehaves (`roomreel kafka-mock
/// --control-port`): failed requests, slow brokers, leaders moving, brokers down. Through each,
/// every job ends completed, debited once, with one stored video.
@Suite("Broker faults", .serialized)
struct BrokerFaultTests {
    /// Every consumer group of the five services.
    static let groups = Pipeline.serviceNames + ["api-ingress.providers", "model-router.providers"]
    static let fields: [(String, String)] = [("video_type", "camera_motion"), ("camera_motion", "zoom_in"), ("duration", "2")]

    @Test("jobs survive request errors, latency, leader moves and brokers going down, each ending once with one debit and one video")
    func faults() async throws {
        try await Pipeline.with(environment: ["BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):10000"]) { pipeline in
            var jobs: [String] = []

            // Requests fail: produce, fetch, offset commits and heartbeats, each a few times.
            for (request, error) in [("Produce", "NOT_LEADER_FOR_PARTITION"), ("Produce", "REQUEST_TIMED_OUT"), ("Fetch", "_TRANSPORT"),
                                     ("OffsetCommit", "REQUEST_TIMED_OUT"), ("Heartbeat", "NOT_COORDINATOR")] {
                try await pipeline.kafkaFault("/errors?request=\(request)&error=\(error)&count=3")
            }
            jobs += try await submit(3, pipeline)
            try await expectFinished(jobs, pipeline)

            // Every broker answers 300 ms late.
            try await pipeline.kafkaFault("/brokers/all/rtt?ms=300")
            jobs += try await submit(3, pipeline)
            try await expectFinished(jobs, pipeline)
            try await pipeline.kafkaFault("/brokers/all/rtt?ms=0")

            // Leaders move to broker 2 while jobs are in flight, then to broker 3.
            let moving = try await submit(3, pipeline)
            for broker in [2, 3] {
                for topic in EventType.allTopics {
                    for partition in 0..<3 { try await pipeline.kafkaFault("/topics/\(topic)/partitions/\(partition)/leader?broker=\(broker)") }
                }
            }
            jobs += moving
            try await expectFinished(jobs, pipeline)

            // Broker 3, now every partition's leader, goes down: the jobs accepted meanwhile wait in
            // api-ingress's outbox, and go on when their partitions and the groups' coordinators move
            // to broker 1 (as a real cluster's controller would move them); broker 3 stays down.
            try await pipeline.kafkaFault("/brokers/3/down")
            let stranded = try await submit(3, pipeline)
            for topic in EventType.allTopics {
                for partition in 0..<3 { try await pipeline.kafkaFault("/topics/\(topic)/partitions/\(partition)/leader?broker=1") }
            }
            for group in Self.groups { try await pipeline.kafkaFault("/groups/\(group)/coordinator?broker=1") }
            jobs += stranded
            try await expectFinished(jobs, pipeline)

            // Every broker down, then up again.
            try await pipeline.kafkaFault("/brokers/all/down")
            let outage = try await submit(3, pipeline)
            try await pipeline.kafkaFault("/brokers/all/up")
            jobs += outage
            try await expectFinished(jobs, pipeline)

            // Nothing twice: one debit and one stored video per job, and no job besides these.
            let debits = try await pipeline.database("billing").read { db in
                try Row.fetchAll(db, sql: "SELECT job_id, COUNT(*) AS n FROM ledger_entries WHERE kind = 'debit' GROUP BY job_id")
            }
            #expect(Set(debits.map { $0["job_id"] as String }) == Set(jobs))
            #expect(debits.allSatisfy { ($0["n"] as Int) == 1 }, "\(debits)")
            let videos = try FileManager.default.subpathsOfDirectory(atPath: pipeline.directory.url.appendingPathComponent("storage").path)
                .filter { $0.hasSuffix(".mp4") && !$0.hasPrefix("inputs/") }
            #expect(Set(videos.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }) == Set(jobs), "\(videos)")
        }
    }

    private func submit(_ count: Int, _ pipeline: Pipeline) async throws -> [String] {
        var ids: [String] = []
        for _ in 0..<count {
            let reply = try await pipeline.submit(fields: Self.fields)
            ids.append(try #require(reply.json["id"] as? String, "\(reply.status) \(reply.json)"))
        }
        return ids
    }

    private func expectFinished(_ jobs: [String], _ pipeline: Pipeline) async throws {
        for id in jobs {
            let job = try await pipeline.finishedJob(id)
            #expect(job["status"] as? String == "completed" && job["credits_debited"] as? Int != nil, "\(id): \(job)")
        }
    }
}
