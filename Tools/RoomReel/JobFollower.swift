import Foundation

/// Follows a job to its end by reading it every half second, and shows how far it is: on a terminal a
/// bar redrawn in place, otherwise a line each time its stage changes.
struct JobFollower {
    let connection: APIConnection
    let id: String
    var limit: Duration = .seconds(900)

    /// The finished job (completed or failed).
    func follow() async throws -> [String: Any] {
        let terminal = isatty(STDOUT_FILENO) != 0
        let deadline = ContinuousClock.now + limit
        var shown = ""
        while ContinuousClock.now < deadline {
            let job = try await connection.call("GET", "/v1/videos/\(id)")
            let (stage, progress) = (job["stage"] as? String ?? "?", job["progress"] as? Int ?? 0)
            let status = job["status"] as? String ?? "?"
            let line = terminal ? Self.bar(progress: progress, label: stage) : "\(progress)% \(stage)"
            if line != shown {
                if terminal {
                    FileHandle.standardOutput.write(Data(("\r" + line + "\u{1B}[K").utf8))
                } else {
                    Console.say(line)
                }
                shown = line
            }
            if status == "completed" || status == "failed" {
                if terminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
                return job
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw APIConnection.Failure(description: "job \(id) did not finish within \(limit)")
    }

    /// `[██████░░░░░░░░░░░░░░]  30% submitted`
    static func bar(progress: Int, label: String, width: Int = 30) -> String {
        let filled = max(0, min(width, progress * width / 100))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
            + String(repeating: " ", count: max(0, 3 - String(progress).count)) + "\(progress)% \(label)"
    }
}
