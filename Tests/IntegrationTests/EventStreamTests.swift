import EventContracts
import Foundation
import Signing
import Testing
import TestSupport

@Suite("GET /v1/videos/{id}/events")
struct EventStreamTests {
    /// One server-sent event as curl received it (`id` 0: an event without one, a progress report).
    struct Event {
        let id: Int
        let name: String
        let data: [String: Any]
    }

    /// Reads the job's event stream with curl until the server ends it; the events, and the HTTP status.
    static func stream(_ pipeline: Pipeline, job id: String, key: String, lastEventID: Int? = nil) throws -> (status: Int, events: [Event]) {
        var arguments = ["-sN", "--max-time", "120", "-w", "\nstatus=%{http_code}", "-H", "Authorization: Bearer \(key)"]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        arguments.append("\(pipeline.baseURL)/v1/videos/\(id)/events")
        let result = try runTool("curl", arguments)
        #expect(result.status == 0, "curl: \(result.output)")
        let status = Int(result.output.components(separatedBy: "status=").last ?? "") ?? 0
        let blocks = result.output.components(separatedBy: "\n\n").filter { $0.hasPrefix("id: ") || $0.hasPrefix("event: ") }
        let events = blocks.compactMap { block -> Event? in
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            guard let id = fields["id"].flatMap(Int.init) ?? (fields["id"] == nil ? 0 : nil), let name = fields["event"], let text = fields["data"],
                  let data = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
            return Event(id: id, name: name, data: data)
        }
        return (status, events)
    }

    @Test("a job's stream delivers its states in order with rising progress and ends with the finished job; Last-Event-ID resumes without repeats; another workspace gets 404")
    func stateStream() async throws {
        let secret = "event-stream-test-secret-of-32-bytes-or-more"
        try await Pipeline.with(environment: ["INGRESS_JWT_SECRET": secret]) { pipeline in
            let created = try await pipeline.submit(fields: [("video_type", "camera_motion"), ("camera_motion", "zoom_in"),
                                                             ("duration", "2"), ("workspace_id", Pipeline.workspace)])
            #expect(created.status == 202, "\(created.json)")
            #expect(created.json["progress"] as? Int == 0)
            let id = try #require(created.json["id"] as? String)

            // Opened at once, while the job runs; curl returns when the server ends the stream.
            let (status, all) = try Self.stream(pipeline, job: id, key: pipeline.apiKey)
            #expect(status == 200)
            let events = all.filter { $0.name != "progress" }
            #expect(events.map(\.name) == ["queued", "routed", "debited", "submitted", "generated", "stored", "completed"], "\(events.map(\.name))")
            #expect(events.map(\.id) == Array(1...7))
            let progress = events.compactMap { $0.data["progress"] as? Int }
            #expect(progress.count == 7 && zip(progress, progress.dropFirst()).allSatisfy { $0 < $1 } && progress.last == 100, "\(progress)")
            #expect(events.allSatisfy { $0.data["job_id"] as? String == id && $0.data["state"] as? String == $0.name })
            let finished = try #require(events.last?.data["job"] as? [String: Any])
            #expect(finished["status"] as? String == "completed" && finished["video_url"] is String && finished["progress"] as? Int == 100, "\(finished)")

            // The job view says the same.
            let job = try await pipeline.get("/v1/videos/\(id)")
            #expect(job.json["progress"] as? Int == 100)

            // Resumed after `submitted`: the rest, once each.
            let resumed = try Self.stream(pipeline, job: id, key: pipeline.apiKey, lastEventID: 4)
            #expect(resumed.events.map(\.name) == ["generated", "stored", "completed"], "\(resumed.events.map(\.name))")
            let done = try Self.stream(pipeline, job: id, key: pipeline.apiKey, lastEventID: 7)
            #expect(done.status == 200 && done.events.isEmpty)

            // The renderer's reports went out as video.progress, one per tenth of the frames: 9 of them
            // beside the job's 7 other events, read from topics that reach the reader in any order.
            let types = try await pipeline.eventTypesOnKafka(job: id, atLeast: 16)
            #expect(types.filter { $0 == .videoProgress }.count == 9, "\(types)")

            let other = try await HS256Tokens(secret: secret).workspaceToken("ws-other")
            #expect(try Self.stream(pipeline, job: id, key: other).status == 404)
            #expect(try Self.stream(pipeline, job: id, key: "rr_not_a_key").status == 401)
        }
    }

    @Test("a longer local render reports its progress on the stream between submitted and generated, rising, without ids")
    func renderProgress() async throws {
        try await Pipeline.with { pipeline in
            let created = try await pipeline.submit(fields: [("video_type", "walkthrough"), ("duration", "10")])
            let id = try #require(created.json["id"] as? String, "\(created.json)")
            let (_, events) = try Self.stream(pipeline, job: id, key: pipeline.apiKey)
            let names = events.map(\.name)
            let reports = events.filter { $0.name == "progress" }
            let percentages = reports.compactMap { $0.data["progress"] as? Int }
            #expect(!reports.isEmpty, "no progress reports: \(names)")
            #expect(reports.allSatisfy { $0.id == 0 && $0.data["state"] as? String == "submitted" })
            #expect(percentages.allSatisfy { 20 < $0 && $0 < 85 } && percentages == percentages.sorted(), "\(percentages)")
            let submitted = try #require(names.firstIndex(of: "submitted")), generated = try #require(names.firstIndex(of: "generated"))
            #expect(names.indices.filter { names[$0] == "progress" }.allSatisfy { submitted < $0 && $0 < generated }, "\(names)")
            #expect(names.last == "completed")
        }
    }

    @Test("an open stream does not hold up api-ingress's shutdown: it ends, and after the restart Last-Event-ID carries on to the end")
    func streamAcrossRestart() async throws {
        try await Pipeline.with { pipeline in
            // Without storage-uploader the job stops at `generated`, so its stream stays open.
            await pipeline.process("storage-uploader").stop()
            let created = try await pipeline.submit(fields: [("video_type", "camera_motion"), ("camera_motion", "zoom_in"), ("duration", "2")])
            let id = try #require(created.json["id"] as? String, "\(created.json)")
            try await pipeline.awaitEventOnKafka(job: id, type: .videoGenerated)
            _ = try await eventually("the job to reach generated") { () -> Bool? in
                try await pipeline.get("/v1/videos/\(id)").json["stage"] as? String == "generated" ? true : nil
            }

            let output = pipeline.directory.url.appendingPathComponent("stream.txt")
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-sN", "-o", output.path, "-H", "Authorization: Bearer \(pipeline.apiKey)", "\(pipeline.baseURL)/v1/videos/\(id)/events"]
            try curl.run()
            _ = try await eventually("the stream to send generated") { () -> Bool? in
                ((try? String(contentsOf: output, encoding: .utf8)) ?? "").contains("event: generated") ? true : nil
            }
            #expect(await pipeline.process("api-ingress").stop(grace: .seconds(10)), "api-ingress did not stop gracefully with a stream open")
            _ = try await eventually("curl to see the stream end") { () -> Bool? in curl.isRunning ? nil : true }
            let before = try String(contentsOf: output, encoding: .utf8)
            #expect(!before.contains("event: completed"), "\(before)")

            let restarted = try pipeline.start("api-ingress")
            let announced = try await restarted.line(startingWith: "api-ingress listening on port ")
            pipeline.useIngressPort(String(announced.split(separator: " ").last!))
            try pipeline.start("storage-uploader")
            let resumed = try Self.stream(pipeline, job: id, key: pipeline.apiKey, lastEventID: 5)
            #expect(resumed.events.map(\.name) == ["stored", "completed"], "\(resumed.events.map(\.name))")
        }
    }
}
