@testable import APIIngress
import Foundation
import GRDB
import TestSupport
import Testing

@Suite("The accepted job's insert")
struct JobInsertTests {
    @Test("the jobs table, JobRecord's properties and its CodingKeys name the same columns, and the samples set every one")
    func oneColumnList() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        let tableColumns = try database.pool.read { db in try db.columns(in: JobRecord.databaseTableName).map(\.name) }
        #expect(Set(tableColumns) == Set(JobRecord.CodingKeys.allCases.map(\.rawValue)))
        #expect(tableColumns.count == JobRecord.CodingKeys.allCases.count)
        // A property left out of CodingKeys would be skipped by the insert: one key per property.
        #expect(Mirror(reflecting: StatusReadTests.everyField).children.count == JobRecord.CodingKeys.allCases.count)
        #expect(ContractParity.unsetFields(StatusReadTests.everyField) == [])
    }

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
