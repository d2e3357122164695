import Foundation
import TestSupport

/// One of RoomReel's executables running as a child process, its stdout and stderr captured in a
/// log file that tests read (and print when something fails).
final class ServiceProcess: @unchecked Sendable {
    // Process is not Sendable; it is only touched through these methods, from one test at a time.
    let name: String
    let logFile: URL
    private let process: Process

    init(executable: URL, arguments: [String] = [], environment: [String: String], logDirectory: URL, name: String) throws {
        self.name = name
        var index = 0
        var file = logDirectory.appendingPathComponent("\(name).log")
        while FileManager.default.fileExists(atPath: file.path) {
            index += 1
            file = logDirectory.appendingPathComponent("\(name).\(index).log")
        }
        logFile = file
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try log.close()
    }

    var isRunning: Bool { process.isRunning }

    /// The whole log so far.
    var output: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Waits for a log line starting with `prefix` and returns the line.
    func line(startingWith prefix: String, timeout: Duration = .seconds(120)) async throws -> String {
        try await eventually("\(name) to print '\(prefix)'", timeout: timeout) {
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            guard isRunning else { throw DeadlineExceeded(description: "\(name) exited before printing '\(prefix)':\n\(output)") }
            return nil
        }
    }

    /// Waits for the process to exit on its own; returns its termination status and whether a signal ended it.
    func exit(timeout: Duration = .seconds(60)) async throws -> (status: Int32, bySignal: Bool) {
        _ = try await eventually("\(name) to exit", timeout: timeout) { process.isRunning ? nil : true }
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// SIGKILL, as a crash would, and waits until the process is gone.
    func crash() async throws {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = try await exit(timeout: .seconds(10))
    }

    /// SIGTERM, then SIGKILL if it does not stop within `grace`. Returns whether it stopped on its own
    /// with status 0, that is, shut down gracefully.
    @discardableResult
    func stop(grace: Duration = .seconds(15)) async -> Bool {
        guard process.isRunning else { return false }
        process.terminate()
        if let exited = try? await exit(timeout: grace) {
            return exited.status == 0 && !exited.bySignal
        }
        kill(process.processIdentifier, SIGKILL)
        _ = try? await exit(timeout: .seconds(5))
        return false
    }
}
