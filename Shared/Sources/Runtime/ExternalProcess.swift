import Foundation

/// Runs a command-line tool to completion without blocking a thread of the cooperative pool.
public enum ExternalProcess {
    /// The tool exited non-zero; `output` is the tail of what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let executable: String
        public let status: Int32
        public let output: String
        public var description: String { "\(executable) exited with status \(status): \(output)" }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`; its output goes to
    /// `logFile`, whose tail becomes the error when it exits non-zero.
    public static func run(_ executable: String, arguments: [String], logFile: URL) async throws {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw Failure(executable: executable, status: status, output: String(output.suffix(2000)))
        }
    }
}
