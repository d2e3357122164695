import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ServiceLifecycle

/// Says "RoomReel ready" once a new user can really use it: api-ingress is listening, the sharded
/// services have taken their shards (their groups have formed), and api-ingress offers the models of
/// every provider provider-bridge has credentials for (it has heard the bridge announce them), or
/// 30 s have passed. Then it hands the port on to whatever waits for readiness.
struct DevReadiness: Service {
    let listening: AsyncStream<Int>
    /// Whether every sharded service has taken all its shards.
    let shardsTaken: @Sendable () -> Bool
    let providers: Set<String>
    let apiKey: String
    let adminToken: String
    let ready: AsyncStream<Int>.Continuation

    func run() async throws {
        var ports = listening.makeAsyncIterator()
        guard let port = await ports.next() else { return }
        let deadline = ContinuousClock.now + .seconds(30)
        while !shardsTaken(), ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if !(await offered(port: port)) {
            Console.say("provider-bridge has not announced its providers yet; remote models are offered once it has")
        }
        Console.say("RoomReel ready on http://127.0.0.1:\(port)\nAPI key: \(apiKey)\nAdmin token: \(adminToken)")
        ready.yield(port)
        ready.finish()
    }

    /// Whether `GET /v1/models` came to list a model of each of `providers` within the deadline,
    /// asked every 50 ms.
    private func offered(port: Int) async -> Bool {
        guard !providers.isEmpty, let url = URL(string: "http://127.0.0.1:\(port)/v1/models") else { return true }
        var request = URLRequest(url: url)
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 5
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if let (data, _) = try? await URLSession.shared.data(for: request),
               let models = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["models"] as? [[String: Any]],
               providers.isSubset(of: Set(models.compactMap { $0["provider"] as? String })) {
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
