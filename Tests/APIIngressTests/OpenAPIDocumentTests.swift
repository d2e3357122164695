@testable import APIIngress
import Foundation
import Logging
import Shared
import TestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("/openapi.json describes exactly the routes the router serves, each with its operations' error answers")
    func matchesRouter() throws {
        let directory = try TemporaryDirectory()
        let common = CommonConfiguration(kafkaBrokers: "127.0.0.1:9", dataDirectory: directory.url)
        let config = IngressConfiguration(common: common, routing: try RoutingConfiguration.fromEnvironment(EnvironmentReader([:])))
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        let router = try buildRouter(config: config, database: database, health: ProviderHealth(), completions: JobCompletionSignals(), commits: GroupCommit(database: database),
                                     kafkaAnswers: { false }, publicBaseURL: { "http://localhost" }, logger: Logger(label: "test"))
        let served = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            return "\(route.method.rawValue.lowercased()) /\(path)"
        })

        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, item) in paths {
            for (method, operation) in item where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method) \(path)")
                let responses = try #require((operation as? [String: Any])?["responses"] as? [String: Any], "\(method) \(path)")
                #expect(!responses.isEmpty)
            }
        }
        #expect(documented == served, "only served: \(served.subtracting(documented).sorted()); only documented: \(documented.subtracting(served).sorted())")

        // Every error code the API can answer with is in the document's ErrorCode enum.
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let codes = try #require((schemas["ErrorCode"] as? [String: Any])?["enum"] as? [String])
        for code in ["INVALID_REQUEST", "IMAGE_REQUIRED", "INVALID_IMAGE", "IMAGE_TOO_SMALL", "IMAGE_TOO_LARGE", "IMAGE_URL_REFUSED",
                     "IMAGE_FETCH_FAILED", "WEBHOOK_URL_REFUSED", "IDEMPOTENCY_KEY_REUSED", "UNAUTHORIZED", "NOT_FOUND", "PAYLOAD_TOO_LARGE",
                     "INSUFFICIENT_CREDITS", "MODEL_UNAVAILABLE", "MODEL_CANNOT_DO", "PROMPT_TOO_LONG", "INTERNAL_ERROR"] {
            #expect(codes.contains(code), "\(code)")
        }
    }
}
