@testable import APIIngress
import Foundation
import TestSupport
import Testing

@Suite("Prefer: wait signals and the webhook retry schedule")
struct WaitingAndRetryTests {
    @Test("a waiter wakes when its job is signalled, whether the signal comes before or after it sleeps, and leaves nothing behind")
    func signals() async throws {
        let signals = JobSignals()
        // Signalled while waiting.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await signals.wait(for: "job-1", timeout: .seconds(120)) { false } }
            try await eventually("the waiter to register") { signals.waiting == 1 ? true : nil }
            signals.signal("job-1")
            try await group.waitForAll()
        }
        #expect(signals.waiting == 0)
        // Already finished when it looks: returns at once.
        try await signals.wait(for: "job-2", timeout: .seconds(120)) { true }
        // Signalled between its look and its sleep: the look says "not yet", the signal lands first.
        try await signals.wait(for: "job-3", timeout: .seconds(120)) {
            signals.signal("job-3")
            return false
        }
        // Another job's signal does not wake it; the time limit does.
        let clock = ContinuousClock()
        let started = clock.now
        signals.signal("job-other")
        try await signals.wait(for: "job-4", timeout: .milliseconds(200)) { false }
        #expect(clock.now - started >= .milliseconds(200))
        #expect(signals.waiting == 0)
    }

    @Test("a cancelled waiter returns and unregisters")
    func cancellation() async throws {
        let signals = JobSignals()
        let task = Task { try await signals.wait(for: "job", timeout: .seconds(600)) { false } }
        try await eventually("the waiter to register") { signals.waiting == 1 ? true : nil }
        task.cancel()
        try await task.value
        #expect(signals.waiting == 0)
    }

    @Test("webhook retries span more than 24 hours, grow, and jitter by at most 20 %")
    func schedule() {
        let schedule = WebhookRetrySchedule()
        let lowest = (1...WebhookRetrySchedule.delays.count).map { schedule.delay(afterAttempt: $0, random: -1)! }
        #expect(lowest.reduce(0, +) >= 24 * 3600)
        #expect(zip(lowest, lowest.dropFirst()).allSatisfy { $0 < $1 })
        for attempt in 1...WebhookRetrySchedule.delays.count {
            let base = WebhookRetrySchedule.delays[attempt - 1]
            for _ in 0..<50 {
                let delay = schedule.delay(afterAttempt: attempt)!
                #expect(delay >= base * 0.8 && delay <= base * 1.2)
            }
        }
        #expect(schedule.delay(afterAttempt: WebhookRetrySchedule.delays.count + 1) == nil)
        #expect(schedule.maximumAttempts == 13)
        #expect(WebhookRetrySchedule(scale: 0.001).delay(afterAttempt: 1, random: 0) == 0.005)
    }
}

@Suite("Idempotency keys expire")
struct IdempotencySweepTests {
    @Test("the sweeper deletes keys older than 24 hours and keeps younger ones")
    func sweep() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        let now = Date()
        try await database.pool.write { db in
            for (key, age) in [("old", 25.0 * 3600), ("young", 23.0 * 3600)] {
                try IdempotencyRecord(workspaceID: "ws", key: key, requestFingerprint: "f", jobID: "j-\(key)", responseStatus: 202,
                                      responseBody: Data("{}".utf8), createdAt: now.addingTimeInterval(-age)).insert(db)
            }
        }
        let sweeper = IdempotencyRecord.sweeper(database: database, logger: testLogger)
        #expect(try await sweeper.sweepOnce(now: now) == 1)
        #expect(try await sweeper.sweepOnce(now: now) == 0)
        let left = try await database.pool.read { db in try String.fetchAll(db, sql: "SELECT key FROM idempotency_keys") }
        #expect(left == ["young"])
    }
}
