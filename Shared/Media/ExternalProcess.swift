import BlockingIO
import Foundation

/// Runs a command-line tool to completion without blocking a thread of the cooperative pool.
public enum ExternalProcess {
    /// The tool exited non-zero, or stopped reading its input; `output` is the tail of what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let executable: String
        public let status: Int32
        public let output: String
        /// Why feeding its standard input failed, when it did.
        public var inputFailure: String?
        public var description: String {
            "\(executable) exited with status \(status)\(inputFailure.map { " (\($0))" } ?? ""): \(output)"
        }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`; its output goes to
    /// `logFile`, whose tail becomes the error when it exits non-zero.
    ///
    /// With `feedingInput`, its standard input is a pipe that `feedingInput` writes on a thread of its
    /// own (a pipe write blocks while the tool catches up), closed when `feedingInput` returns.
    public static func run(_ executable: String, arguments: [String], logFile: URL,
                           feedingInput feed: (@Sendable (ProcessInput) -> Void)? = nil) async throws {
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
        let pipe = feed.map { _ in Pipe() }
        process.standardInput = pipe ?? FileHandle.nullDevice
        if feed != nil {
            // A tool that dies early must fail this run, not kill the whole process with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
        }
        var input: ProcessInput?
        var feeder: BlockingThread?
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            if let feed, let pipe {
                let writer = ProcessInput(descriptor: pipe.fileHandleForWriting.fileDescriptor)
                input = writer
                feeder = BlockingThread(name: "roomreel-process-input") {
                    feed(writer)
                    try? pipe.fileHandleForWriting.close()
                }
            }
        }
        await feeder?.join()
        guard status == 0, input?.failure == nil else {
            let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw Failure(executable: executable, status: status, output: String(output.suffix(2000)), inputFailure: input?.failure)
        }
    }
}

/// A child process's standard input, written from the feeding thread, which remembers the first failure.
public final class ProcessInput: @unchecked Sendable {
    // `failure` is written only by the feeding thread and read after that thread has finished.
    private let descriptor: Int32
    public private(set) var failure: String?

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// write(2)s every byte; false, remembering why, when the tool stopped reading (EPIPE).
    public func write(_ bytes: [UInt8]) -> Bool {
        guard failure == nil else { return false }
        return bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = "writing its input failed: \(String(cString: strerror(errno)))"
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
