import BlockingIO
import Foundation
import Subprocess
import SystemPackage

/// Runs a command-line tool to completion through swift-subprocess, which waits for it without
/// blocking a thread of the cooperative pool.
public enum ExternalProcess {
    /// The tool exited non-zero, or stopped reading its input; `output` is the tail of what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let executable: String
        public let status: String
        public let output: String
        /// Why feeding its standard input failed, when it did.
        public var inputFailure: String?
        public var description: String {
            "\(executable) \(status)\(inputFailure.map { " (\($0))" } ?? ""): \(output)"
        }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`; its output and
    /// errors go to `logFile`, whose tail becomes the error when it exits non-zero.
    ///
    /// With `feedingInput`, its standard input is a pipe that `feedingInput` writes on a thread of its
    /// own (a pipe write blocks while the tool catches up, and the renderer draws each frame on that
    /// thread), closed when `feedingInput` returns.
    public static func run(_ executable: String, arguments: [String], logFile: URL,
                           feedingInput feed: (@Sendable (ProcessInput) -> Void)? = nil) async throws {
        let log = try FileDescriptor.open(FilePath(logFile.path), .writeOnly, options: [.create, .truncate],
                                          permissions: [.ownerReadWrite, .groupRead, .otherRead])
        defer { try? log.close() }
        let target: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        let status: TerminationStatus
        var input: ProcessInput?
        if let feed {
            // A tool that dies early must fail this run, not kill the whole process with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            let pipe = try FileDescriptor.pipe()
            let writer = ProcessInput(descriptor: pipe.writeEnd.rawValue)
            input = writer
            do {
                status = try await Subprocess.run(target, arguments: Arguments(arguments),
                                                  input: .fileDescriptor(pipe.readEnd, closeAfterSpawningProcess: true),
                                                  output: .fileDescriptor(log, closeAfterSpawningProcess: false),
                                                  error: .combinedWithOutput) { _ in
                    let feeder = BlockingThread(name: "roomreel-process-input") {
                        feed(writer)
                        try? pipe.writeEnd.close()
                    }
                    await feeder.join()
                }.terminationStatus
            } catch {
                // Not started: nothing fed or closed the pipe.
                try? pipe.writeEnd.close()
                throw error
            }
        } else {
            status = try await Subprocess.run(target, arguments: Arguments(arguments), input: .none,
                                              output: .fileDescriptor(log, closeAfterSpawningProcess: false),
                                              error: .combinedWithOutput).terminationStatus
        }
        guard status.isSuccess, input?.failure == nil else {
            let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            let ended = switch status {
            case .exited(let code): "exited with status \(code)"
            case .signaled(let signal): "was killed by signal \(signal)"
            }
            throw Failure(executable: executable, status: ended, output: String(output.suffix(2000)), inputFailure: input?.failure)
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
