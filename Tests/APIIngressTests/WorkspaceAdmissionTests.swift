@testable import APIIngress
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Hummingbird
import TestSupport
import Testing

@Suite("Token buckets")
struct TokenBucketTests {
    @Test("a full bucket admits its size at once, then one request per refill interval, and says when the next token comes")
    func refill() {
        var bucket = TokenBucket(size: 3, now: 0)
        for left in [2, 1, 0] {
            #expect(bucket.take(size: 3, perSecond: 1, now: 0) == .init(admitted: true, remaining: left, resetSeconds: left == 0 ? 1 : 3 - left))
        }
        #expect(bucket.take(size: 3, perSecond: 1, now: 0.5) == .init(admitted: false, remaining: 0, resetSeconds: 1))
        #expect(bucket.take(size: 3, perSecond: 1, now: 1.0).admitted)
        #expect(!bucket.take(size: 3, perSecond: 1, now: 1.2).admitted)
        // Two requests a minute: the wait after a refusal is the half-minute to the next token.
        var slow = TokenBucket(size: 1, now: 0)
        #expect(slow.take(size: 1, perSecond: 2.0 / 60, now: 0).admitted)
        #expect(slow.take(size: 1, perSecond: 2.0 / 60, now: 0) == .init(admitted: false, remaining: 0, resetSeconds: 30))
        #expect(!slow.isFull(size: 1, perSecond: 2.0 / 60, now: 29))
        #expect(slow.isFull(size: 1, perSecond: 2.0 / 60, now: 31))
        #expect(bucket.take(size: 3, perSecond: 1, now: 100).remaining == 2, "a bucket never fills beyond its size")
    }
}

@Suite("Workspace limits")
struct WorkspaceAdmissionTests {
    static func database(_ directory: TemporaryDirectory) throws -> ServiceDatabase {
        try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
    }

    static func refusal(_ body: () async throws -> Void) async -> APIError? {
        do {
            try await body()
            return nil
        } catch let error as APIError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test("over its rate a workspace is refused with RATE_LIMITED, Retry-After and the RateLimit fields; another workspace is not")
    func rate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let admission = WorkspaceAdmission(files: .single(try Self.database(directory)), defaults: .none)
        _ = try await admission.setLimits(WorkspaceLimits(jobsPerMinute: 6, burst: 2, maxActiveJobs: 0), of: "noisy")
        _ = try await admission.admit("noisy")
        _ = try await admission.admit("noisy")
        let refused = try #require(await Self.refusal { _ = try await admission.admit("noisy") })
        #expect(refused.error.code == .rateLimited && refused.status.code == 429)
        #expect(refused.headers[.retryAfter] == "10")
        #expect(refused.headers[.rateLimitPolicy] == "\"jobs\";q=6;w=60")
        #expect(refused.headers[.rateLimit] == "\"jobs\";r=0;t=10")
        #expect(refused.error.details == ["jobs_per_minute": 6, "burst": 2, "retry_after_seconds": 10])
        for _ in 0..<100 { _ = try await admission.admit("quiet") }
    }

    @Test("at its cap of jobs in flight a workspace is refused with TOO_MANY_ACTIVE_JOBS, in admit and in the commit, until one finishes")
    func active() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.database(directory)
        let admission = WorkspaceAdmission(files: .single(database), defaults: WorkspaceLimits(jobsPerMinute: 0, burst: 0, maxActiveJobs: 2))
        var jobs: [JobRecord] = []
        for index in 0..<2 {
            var job = StatusReadTests.job(id: "active-\(index)")
            job.workspaceID = "busy"
            jobs.append(job)
        }
        var finished = StatusReadTests.job(id: "done")
        finished.workspaceID = "busy"
        finished.status = .completed
        finished.finishedAt = Date()
        let limits = try await admission.admit("busy")
        try await database.pool.write { [jobs, finished] db in
            try finished.insertNew(db)
            try jobs[0].insertNew(db)
            #expect(try WorkspaceAdmission.activeRefusal("busy", limits: limits, in: db) == nil)
            try jobs[1].insertNew(db)
            let refusal = try #require(try WorkspaceAdmission.activeRefusal("busy", limits: limits, in: db))
            #expect(refusal.error.code == .tooManyActiveJobs)
        }
        let refused = try #require(await Self.refusal { _ = try await admission.admit("busy") })
        #expect(refused.error.code == .tooManyActiveJobs && refused.status.code == 429)
        #expect(refused.error.details == ["active_jobs": 2, "max_active_jobs": 2, "retry_after_seconds": 5])
        #expect(refused.headers[.retryAfter] == "5" && refused.headers[.rateLimitPolicy] == "\"active-jobs\";q=2")
        _ = try await admission.admit("other")
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE jobs SET status = 'failed', finished_at = ? WHERE id = 'active-0'", arguments: [Date()])
        }
        _ = try await admission.admit("busy")
    }

    @Test("a workspace's own limits are kept in the database, read by another admission, and DELETE returns it to the defaults")
    func ownLimits() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.database(directory)
        let own = WorkspaceLimits(jobsPerMinute: 60, burst: 5, maxActiveJobs: 7)
        #expect(try await WorkspaceAdmission(files: .single(database), defaults: .standard).setLimits(own, of: "ws") == own)
        let other = WorkspaceAdmission(files: .single(database), defaults: .standard)
        #expect(try await other.limits(of: "ws") == own)
        #expect(try await other.limits(of: "elsewhere") == .standard)
        #expect(try await other.setLimits(nil, of: "ws") == .standard)
        #expect(try await WorkspaceAdmission(files: .single(database), defaults: .standard).limits(of: "ws") == .standard)
    }

    @Test("the limits body takes whole numbers 0 to 1,000,000 for known fields, and the default for a field left out")
    func limitsBody() throws {
        let defaults = WorkspaceLimits.standard
        #expect(try AdminRoutes.limits(from: Data(#"{"burst": 3}"#.utf8), defaults: defaults)
                == WorkspaceLimits(jobsPerMinute: defaults.jobsPerMinute, burst: 3, maxActiveJobs: defaults.maxActiveJobs))
        #expect(try AdminRoutes.limits(from: Data(#"{"jobs_per_minute": 0, "burst": 0, "max_active_jobs": 1000000}"#.utf8), defaults: defaults)
                == WorkspaceLimits(jobsPerMinute: 0, burst: 0, maxActiveJobs: 1_000_000))
        for body in [#"{"burst": -1}"#, #"{"burst": 1.5}"#, #"{"burst": true}"#, #"{"burst": "3"}"#, #"{"burst": 1000001}"#,
                     #"{"rate": 3}"#, "[]", "nonsense"] {
            #expect(throws: APIError.self, "\(body)") { try AdminRoutes.limits(from: Data(body.utf8), defaults: defaults) }
        }
    }
}
