import ArgumentParser
import Foundation
import OutboundHTTP

/// Where the people's commands (`submit`, `jobs`, `balance`) send their requests: any RoomReel's URL
/// and key, from flags or the environment, defaulting to `roomreel dev` on this machine.
struct APIConnection: ParsableArguments {
    @Option(help: "RoomReel's base URL (or ROOMREEL_URL).")
    var url: String = ProcessInfo.processInfo.environment["ROOMREEL_URL"] ?? "http://127.0.0.1:8080"

    @Option(help: "An API key or JWT (or ROOMREEL_API_KEY); by default the key `roomreel dev` wrote to <data-dir>/dev-api-key.")
    var key: String?

    @Option(help: "Where `roomreel dev` keeps its data, for its key.")
    var dataDir: String = "./data"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The key to send.
    func apiKey() throws -> String {
        if let key { return key }
        if let key = ProcessInfo.processInfo.environment["ROOMREEL_API_KEY"], !key.isEmpty { return key }
        let file = URL(fileURLWithPath: dataDir).appendingPathComponent("dev-api-key")
        guard let key = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty else {
            throw Failure(description: "no API key: pass --key, set ROOMREEL_API_KEY, or run `roomreel dev` (it writes \(file.path))")
        }
        return key
    }

    /// Sends a request and returns the decoded JSON object of a 2xx answer; anything else throws with
    /// the server's own error message.
    func call(_ method: String, _ path: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) async throws -> [String: Any] {
        guard let target = URL(string: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) else {
            throw Failure(description: "not a URL: \(url)")
        }
        let answer: HTTPAnswer
        do {
            answer = try await ServiceHTTPClient(timeout: .seconds(120)).send(method, target, headers: [("Authorization", "Bearer \(try apiKey())")] + headers, body: body)
        } catch {
            throw Failure(description: "could not reach \(url): \(error)")
        }
        let json = (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any]
        guard (200..<300).contains(answer.status), let json else {
            let error = json?["error"] as? [String: Any]
            let reason = error.map { "\($0["code"] as? String ?? "?"): \($0["message"] as? String ?? "")" } ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
            throw Failure(description: "\(method) \(path) answered \(answer.status) \(reason)")
        }
        return json
    }
}
