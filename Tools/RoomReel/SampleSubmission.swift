import Foundation
import FoundationNetworking
import OutboundHTTP
import ServiceLifecycle
#if canImport(FoundationNetworking)
#endif

/// What `make run` shows a new user: once the API is up, post the bundled room photo as a `zoom_in`
/// job over HTTP, like any client would, wait for it to finish, and print where the video is.
struct SampleSubmission: Service {
    let photo: URL
    let apiKey: String
    let workspaceID: String
    /// The local-disk storage folder; nil when videos go to a bucket.
    let storageDirectory: URL?
    let ready: AsyncStream<Int>

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func run() async throws {
        var iterator = ready.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        let base = "http://127.0.0.1:\(port)"
        let image = try Data(contentsOf: photo)
        let form = MultipartBody(fields: [
            ("video_type", "camera_motion"), ("camera_motion", "zoom_in"), ("workspace_id", workspaceID), ("duration", "5"),
        ], file: (name: "image", filename: photo.lastPathComponent, contentType: "image/jpeg", data: image))

        var request = URLRequest(url: URL(string: "\(base)/v1/videos")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue(form.contentType, forHTTPHeaderField: "Content-Type")
        let (body, response) = try await URLSession.shared.upload(for: request, from: form.data)
        guard (response as? HTTPURLResponse)?.statusCode == 202,
              let job = try JSONSerialization.jsonObject(with: body) as? [String: Any], let id = job["id"] as? String else {
            throw Failure(description: "sample submission was refused: \(String(decoding: body, as: UTF8.self))")
        }
        Console.say("Submitted sample job \(id) (\(photo.lastPathComponent), zoom_in, 5 s); waiting for the video…")

        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            var poll = URLRequest(url: URL(string: "\(base)/v1/videos/\(id)")!)
            poll.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
            let (data, _) = try await URLSession.shared.data(for: poll)
            guard let status = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            switch status["status"] as? String {
            case "completed":
                let url = status["video_url"] as? String ?? "?"
                let poster = status["poster_url"] as? String ?? "none"
                let file = storageDirectory.map { "\n  file:   " + $0.appendingPathComponent("generation-videos/\(id).mp4").path } ?? ""
                Console.say("Sample video ready:\(file)\n  url:    \(url)\n  poster: \(poster)\nStill serving; press Ctrl-C to stop.")
                return
            case "failed":
                throw Failure(description: "sample job failed: \(String(decoding: data, as: UTF8.self))")
            default:
                continue
            }
        }
        throw Failure(description: "sample job \(id) did not finish within 300 s")
    }
}
