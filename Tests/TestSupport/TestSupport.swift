import EventRuntime
import Foundation
import Logging
import ServiceLifecycle

/// Helpers shared by RoomReel's test targets.

/// A fresh folder under the system temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("roomreel-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// Polls `probe` until it returns a value, failing after `timeout`. For state that another task or
/// process changes; the short pause between polls is not a wait for an event but a polling interval.
/// Deadlines are generous on purpose: they only cost time when something is broken, and tests share
/// two cores with ffmpeg renders and Kafka brokers.
public func eventually<T>(_ what: String, timeout: Duration = .seconds(120), _ probe: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        guard ContinuousClock.now < deadline else { throw DeadlineExceeded(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Runs `services` in a `ServiceGroup` while `body` runs, then shuts them down gracefully.
public func withRunningServices<T: Sendable>(_ services: [any Service], _ body: () async throws -> T) async throws -> T {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// A logger for services under test: quiet unless something is wrong.
public var testLogger: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}

/// Reads every message of `topics` from the beginning as a new consumer group, until `count` arrived.
public func readMessages(brokers: String, topics: [String], count: Int, timeout: Duration = .seconds(120)) async throws -> [ConsumedKafkaMessage] {
    let consumer = try KafkaConsumer(brokers: brokers, groupID: "test-reader-\(UUID().uuidString)", clientID: "test-reader", topics: topics)
    var received: [ConsumedKafkaMessage] = []
    return try await eventually("\(count) messages on \(topics)", timeout: timeout) {
        received += await consumer.poll().messages
        return received.count >= count ? received : nil
    }
}

