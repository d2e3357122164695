import ArgumentParser
import Foundation

/// `roomreel jobs`: the workspace's latest jobs, newest first, one line each.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List the latest jobs.")

    @OptionGroup var connection: APIConnection
    @Option(help: "queued, processing, completed or failed.") var status: String?
    @Option(help: "How many, 1–100.") var limit: Int = 20

    func run() async throws {
        var path = "/v1/videos?limit=\(limit)"
        if let status { path += "&status=\(status)" }
        let page = try await connection.call("GET", path)
        let jobs = page["data"] as? [[String: Any]] ?? []
        if jobs.isEmpty { Console.say("No jobs.") }
        for job in jobs {
            let columns = [job["id"] as? String ?? "?", job["status"] as? String ?? "?", "\(job["progress"] as? Int ?? 0)%",
                           job["model"] as? String ?? "-", job["created_at"] as? String ?? "", job["video_url"] as? String ?? ""]
            Console.say(columns.joined(separator: "  "))
        }
    }
}
