@testable import APIIngress
import EventRuntime
import Foundation
import GRDB
import ObjectStorage
import Testing
import TestSupport

@Suite("Input photo retention")
struct InputPhotoRetentionTests {
    @Test("a photo goes once its last job finished longer ago than the retention; one still used, or released lately, stays")
    func sweep() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        let storage = LocalBlobStore(root: directory.url.appendingPathComponent("storage"))
        let retention = InputPhotoRetention(database: database, storage: storage, retention: .seconds(3600))
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let old = now.addingTimeInterval(-7200)
        let photos = ["inputs/aa.jpg", "inputs/bb.jpg", "inputs/cc.jpg", "inputs/dd.png"]
        for key in photos { try storage.write(Array(key.utf8), to: key) }

        @Sendable func job(_ id: String, _ keys: [String], finished: Date?) -> JobRecord {
            var job = StatusReadTests.job(id: id, status: finished == nil ? .processing : .completed)
            job.inputKeys = String(decoding: try! JSONEncoder().encode(keys), as: UTF8.self)
            job.finishedAt = finished
            return job
        }
        try await database.pool.write { db in
            // aa: its only job finished two hours ago. bb: one old job finished, another in flight.
            // cc: released ten minutes ago. dd: shared by two old jobs.
            for (record, released) in [(job("j1", ["inputs/aa.jpg"], finished: old), old),
                                       (job("j2", ["inputs/bb.jpg"], finished: old), old),
                                       (job("j3", ["inputs/bb.jpg", "inputs/cc.jpg"], finished: nil), nil),
                                       (job("j4", ["inputs/cc.jpg"], finished: now.addingTimeInterval(-600)), now.addingTimeInterval(-600)),
                                       (job("j5", ["inputs/dd.png"], finished: old), old),
                                       (job("j6", ["inputs/dd.png", "inputs/aa.jpg"], finished: old), old)] {
                try record.insert(db)
                if let released { try InputPhotoRecord.release(photosOf: record, at: released, in: db) }
            }
        }
        #expect(try await retention.sweep(now: now) == 2)
        func exists(_ key: String) throws -> Bool { FileManager.default.fileExists(atPath: try storage.filePath(for: key)) }
        #expect(try !exists("inputs/aa.jpg") && !exists("inputs/dd.png"))
        #expect(try exists("inputs/bb.jpg"), "a job in flight still uses it")
        #expect(try exists("inputs/cc.jpg"), "released within the retention")

        // The job in flight finishes: bb and cc are released now, and go an hour later.
        try await database.pool.write { db in
            var record = try #require(try JobRecord.fetchOne(db, key: "j3"))
            record.finishedAt = now
            try record.update(db)
            try InputPhotoRecord.release(photosOf: record, at: now, in: db)
        }
        #expect(try await retention.sweep(now: now.addingTimeInterval(1800)) == 0)
        #expect(try await retention.sweep(now: now.addingTimeInterval(3601)) == 2)
        #expect(try !exists("inputs/bb.jpg") && !exists("inputs/cc.jpg"))
        let rows = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM input_photos") }
        #expect(rows == 0)
    }

    @Test("a job whose photo was swept between its check and its commit writes the photo back in its commit")
    func sweptBeforeCommit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = LocalBlobStore(root: directory.url)
        let bytes = Array("photo".utf8)
        try JobIntake.restoreSwept([("inputs/ee.jpg", bytes)], storage: storage)
        #expect(try Data(contentsOf: storage.fileURL(for: "inputs/ee.jpg")) == Data(bytes))
    }
}
