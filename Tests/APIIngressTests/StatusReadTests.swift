@testable import APIIngress
import Foundation
import GRDB
import Hummingbird
import Shared
import TestSupport
import Testing

@Suite("Status polls: the hand-written job body and the cache of recent jobs")
struct StatusReadTests {
    static func job(id: String = "job-1", status: JobRecord.Status = .queued, duration: Double = 5) -> JobRecord {
        let now = Date(timeIntervalSince1970: 1_795_000_000.123)
        return JobRecord(id: id, workspaceID: "ws-a", status: status, stage: .requested, videoType: "camera_motion", cameraMotion: "zoom_in",
                         model: nil, quotedCredits: 2, creditsDebited: nil, durationSeconds: duration, aspectRatio: "16:9", prompt: nil,
                         provider: nil, predictionID: nil, videoKey: nil, videoBytes: nil, posterKey: nil, errorCode: nil,
                         errorMessage: nil, errorDetails: nil, webhookURL: nil, createdAt: now, updatedAt: now.addingTimeInterval(61.5))
    }

    static let links = VideoLinks(storage: .local)

    static var variedJobs: [(JobRecord, Int?)] {
        var finished = job(id: "job-2", status: .completed, duration: 2.5)
        finished.stage = .stored
        finished.model = "kling-v3.0"
        finished.provider = "kling"
        finished.predictionID = "pred/\"quoted\"\\back"
        finished.creditsDebited = 7
        finished.videoKey = "team/ü/generation-videos/job-2.mp4"
        finished.posterKey = "generation-videos/job-2.jpg"
        finished.videoBytes = 1_234_567
        var failed = job(id: "job-3", status: .failed, duration: 7.25)
        failed.stage = .failed
        failed.errorCode = "INSUFFICIENT_CREDITS"
        failed.errorMessage = "needs 9\ncredits\t(has 1) — \u{01}"
        failed.errorDetails = #"{"required":9,"balance":1,"a":-3}"#
        var noDetails = job(id: "job-4", status: .failed, duration: 0.1)
        noDetails.errorCode = "GENERATION_TIMEOUT"
        return [(job(), nil), (job(), 40), (finished, nil), (failed, 12), (noDetails, nil), (job(id: "job-5", duration: 10), nil)]
    }

    @Test("the job body is byte for byte what the JSON encoder writes, for every shape a job takes")
    func bodyMatchesEncoder() throws {
        for (record, estimate) in Self.variedJobs {
            let view = JobView(record, publicBaseURL: "http://127.0.0.1:8080", videoLinks: Self.links, estimatedSeconds: estimate)
            let expected = try JSONResponse.encode(view)
            #expect(String(decoding: view.json, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
    }

    /// A database with the cache watching it, as `buildRouter` sets it up.
    static func watchedDatabase(in directory: TemporaryDirectory, capacity: Int = 100) throws -> (ServiceDatabase, RecentJobs) {
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        let cache = RecentJobs(capacity: capacity)
        database.pool.add(transactionObserver: cache, extent: .databaseLifetime)
        return (database, cache)
    }

    static func rowID(of id: String, in database: ServiceDatabase) throws -> Int64 {
        try database.pool.read { db in try Int64.fetchOne(db, sql: "SELECT rowid FROM jobs WHERE id = ?", arguments: [id])! }
    }

    @Test("a commit that changes a cached job drops it; other jobs and rolled-back changes keep theirs")
    func commitsDropChangedJobs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (database, cache) = try Self.watchedDatabase(in: directory)
        try database.pool.write { db in
            try Self.job(id: "a").insert(db)
            try Self.job(id: "b").insert(db)
        }
        for id in ["a", "b"] {
            cache.remember(Self.job(id: id), rowID: try Self.rowID(of: id, in: database), readAt: cache.generation)
        }
        #expect(cache.count == 2)

        // A rolled-back update leaves both.
        try? database.pool.write { db in
            try db.execute(sql: "UPDATE jobs SET status = 'processing' WHERE id = 'a'")
            throw CancellationError()
        }
        #expect(cache.job(id: "a") != nil && cache.job(id: "b") != nil)

        // A committed update drops that job only.
        try database.pool.write { db in try db.execute(sql: "UPDATE jobs SET status = 'processing' WHERE id = 'a'") }
        #expect(cache.job(id: "a") == nil)
        #expect(cache.job(id: "b")?.status == .queued)

        // So do deletes; a write to another table changes nothing.
        try database.pool.write { db in try db.execute(sql: "DELETE FROM idempotency_keys") }
        #expect(cache.job(id: "b") != nil)
        try database.pool.write { db in try db.execute(sql: "DELETE FROM jobs WHERE id = 'b'") }
        #expect(cache.count == 0)
    }

    @Test("a read that raced a commit to jobs is not kept, so an older row never comes back")
    func racingFillRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (database, cache) = try Self.watchedDatabase(in: directory)
        try database.pool.write { db in try Self.job(id: "a").insert(db) }
        let before = cache.generation
        let stale = Self.job(id: "a")
        try database.pool.write { db in try db.execute(sql: "UPDATE jobs SET status = 'completed' WHERE id = 'a'") }
        cache.remember(stale, rowID: try Self.rowID(of: "a", in: database), readAt: before)
        #expect(cache.job(id: "a") == nil)

        cache.remember(Self.job(id: "a", status: .completed), rowID: try Self.rowID(of: "a", in: database), readAt: cache.generation)
        #expect(cache.job(id: "a")?.status == .completed)
    }

    @Test("the cache holds at most its capacity")
    func bounded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, cache) = try Self.watchedDatabase(in: directory, capacity: 3)
        for index in 0..<10 {
            cache.remember(Self.job(id: "job-\(index)"), rowID: Int64(index + 1), readAt: cache.generation)
            #expect(cache.count <= 3)
        }
        #expect(cache.job(id: "job-9") != nil)
    }
}

@Suite("The bearer credential")
struct BearerTokenTests {
    static func token(_ authorization: String?) -> String? {
        var head = HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/v1/videos")
        if let authorization { head.headerFields[.authorization] = authorization }
        return Request(head: head, body: .init(buffer: ByteBuffer())).bearerToken
    }

    @Test("the scheme is matched in any case and the token is trimmed of spaces and tabs; other schemes are no bearer token")
    func parsing() {
        #expect(Self.token("Bearer rr_abc") == "rr_abc")
        #expect(Self.token("bEaReR    rr_abc \t") == "rr_abc")
        #expect(Self.token("BEARER a.b.c") == "a.b.c")
        #expect(Self.token("Bearer  ") == nil)  // HTTP drops the trailing spaces: the field is just "Bearer"
        #expect(Self.token("Bearer") == nil)
        #expect(Self.token("Bearerrr_abc") == nil)
        #expect(Self.token("Basic cnI6YWJj") == nil)
        #expect(Self.token(nil) == nil)
    }
}

@Suite("The accepted job's insert")
struct JobInsertTests {
    @Test("a job inserted by the hand-written statement reads back as the same job, and its row equals the record insert's")
    func sameAsRecordInsert() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        for (index, (original, _)) in StatusReadTests.variedJobs.enumerated() {
            var fast = original
            fast.id = "fast-\(index)"
            var generic = original
            generic.id = "generic-\(index)"
            try database.pool.write { db in
                try fast.insertNew(db)
                try generic.insert(db)
            }
            let (readFast, fastRow, genericRow) = try database.pool.read { db in
                (try JobRecord.fetchOne(db, key: fast.id), try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [fast.id]),
                 try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [generic.id]))
            }
            #expect(String(describing: readFast) == String(describing: Optional(fast)))
            var fastColumns = try #require(fastRow).map { "\($0.0)=\($0.1)" }
            var genericColumns = try #require(genericRow).map { "\($0.0)=\($0.1)" }
            fastColumns.removeFirst()
            genericColumns.removeFirst()
            #expect(fastColumns == genericColumns)
        }
    }
}

@Suite("Job ids")
struct JobIDTests {
    @Test("job ids are lower-case version 7 UUIDs that carry their millisecond, sort by it, and do not repeat")
    func versionSeven() throws {
        var ids: [String] = []
        for step in 0..<2_000 {
            ids.append(JobID.make(now: Date(timeIntervalSince1970: Double(1_795_000_000_500 + step / 10) / 1000)))
        }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let uuid = try #require(UUID(uuidString: id))
            #expect(id == uuid.uuidString.lowercased())
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 7 && bytes[8] >> 6 == 0b10)
        }
        let first = try #require(UUID(uuidString: ids[0]))
        let milliseconds = withUnsafeBytes(of: first.uuid) { $0.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        #expect(milliseconds == 1_795_000_000_500)
        // Ids of later milliseconds sort after earlier ones.
        for (earlier, later) in zip(ids, ids.dropFirst(10)) { #expect(earlier < later) }
    }
}

@Suite("Form text")
struct FormTextTests {
    @Test("text fields lose white space (Unicode too) at either end and keep it inside", arguments: [
        ("", ""), ("zoom_in", "zoom_in"), ("  zoom_in", "zoom_in"), ("zoom_in\n", "zoom_in"), ("\t a room \u{00A0}", "a room"),
        ("\u{2003}modern\u{3000}", "modern"), ("a  b", "a  b"), (" ", ""),
    ])
    func trimmed(_ text: String, expected: String) {
        #expect(VideoSubmission.trimmed(text) == expected)
    }
}
