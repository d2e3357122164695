import Foundation
import Media
import Testing
import TestSupport

@Suite("External processes through swift-subprocess")
struct ExternalProcessTests {
    @Test("a tool's input is fed from a thread of its own and its output lands in the log; a non-zero exit fails with the log's tail")
    func statusInputAndLog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = directory.url.appendingPathComponent("cat.log")
        try await ExternalProcess.run("cat", arguments: [], logFile: log) { input in
            for line in ["one\n", "two\n"] { _ = input.write(Array(line.utf8)) }
        }
        #expect(try String(contentsOf: log, encoding: .utf8) == "one\ntwo\n")

        let failing = directory.url.appendingPathComponent("sh.log")
        let failure = await #expect(throws: ExternalProcess.Failure.self) {
            try await ExternalProcess.run("/bin/sh", arguments: ["-c", "echo broken >&2; exit 3"], logFile: failing)
        }
        #expect(failure?.status == "exited with status 3")
        #expect(failure?.output == "broken\n")
    }

    @Test("a tool that stops reading fails the run instead of killing this process, and a missing tool is an error")
    func earlyExitAndMissingTool() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let failure = await #expect(throws: ExternalProcess.Failure.self) {
            try await ExternalProcess.run("/bin/sh", arguments: ["-c", "exit 0"], logFile: directory.url.appendingPathComponent("early.log")) { input in
                let chunk = [UInt8](repeating: 0x61, count: 1 << 16)
                while input.write(chunk) {}
            }
        }
        #expect(failure?.inputFailure?.contains("writing its input failed") == true)
        await #expect(throws: (any Error).self) {
            try await ExternalProcess.run("roomreel-no-such-tool", arguments: [], logFile: directory.url.appendingPathComponent("missing.log"))
        }
    }
}
