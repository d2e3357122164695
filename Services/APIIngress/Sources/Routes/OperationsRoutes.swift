import EventRuntime
import Foundation
import GRDB
import Hummingbird

/// What operators and orchestrators poll: `/healthz` (the process serves), `/readyz` (its database
/// and Kafka answer, so it can take work), `/metrics` (Prometheus text), and the API's OpenAPI
/// document at `/openapi.json` and `/openapi.yaml`.
struct OperationsRoutes {
    /// The files whose outboxes this replica's requests write (every shard's).
    let outboxes: [ServiceDatabase]
    let openAPI: OpenAPIDocument
    let kafkaAnswers: @Sendable () async -> Bool

    struct Readiness: Encodable {
        let ready: Bool
        let database: Bool
        let kafka: Bool
        /// Events written but not yet on Kafka: a growing number means the relay cannot publish.
        let outboxBacklog: Int?

        enum CodingKeys: String, CodingKey {
            case ready, database, kafka
            case outboxBacklog = "outbox_backlog"
        }
    }

    func register(on router: Router<IngressRequestContext>) {
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz", use: readiness)
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: ProcessMetrics.exposition())))
        }
        router.get("/openapi.json") { [json = openAPI.json] _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        router.get("/openapi.yaml") { [yaml = openAPI.yaml] _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: yaml)))
        }
    }

    @Sendable func readiness(_ request: Request, context: IngressRequestContext) async throws -> Response {
        var backlog: Int? = 0
        for database in outboxes {
            let count = try? await database.pool.read { db in try OutboxRecord.fetchCount(db) }
            backlog = count.flatMap { count in backlog.map { $0 + count } }
        }
        let kafka = await kafkaAnswers()
        let ready = backlog != nil && kafka
        return try JSONResponse.make(Readiness(ready: ready, database: backlog != nil, kafka: kafka, outboxBacklog: backlog),
                                     status: ready ? .ok : .serviceUnavailable)
    }
}
