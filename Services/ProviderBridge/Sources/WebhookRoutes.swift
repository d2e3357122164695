import EventContracts
import EventRuntime
import Foundation
import Hummingbird

/// The bridge's HTTP face: the providers' webhook and callback endpoints, the input photos that
/// providers fetch, and `/healthz` and `/metrics` for operators. The `workspace` query item of the
/// URLs the bridge hands out says which shard holds the job (`WebhookEdge`).
enum WebhookRoutes {
    static func router(receiver: WebhookReceiver, inputs: InputFiles) -> Router<BasicRequestContext> {
        router(edge: .single(receiver: receiver, inputs: inputs))
    }

    static func router(edge: WebhookEdge) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/webhooks/replicate") { request, _ -> Response in
            guard let body = try await collect(request) else { return tooLarge() }
            let answer = await edge.receiveReplicate(
                webhookID: request.headers[.init("webhook-id")!], timestamp: request.headers[.init("webhook-timestamp")!],
                signature: request.headers[.init("webhook-signature")!], body: body, jobHint: request.uri.queryParameters["job"].map(String.init),
                workspace: workspace(of: request))
            return response(answer)
        }
        router.post("/webhooks/:provider/:job/:token") { request, context -> Response in
            guard let body = try await collect(request) else { return tooLarge() }
            let answer = await edge.receiveCallback(
                providerName: context.parameters.get("provider") ?? "", jobID: context.parameters.get("job") ?? "",
                token: context.parameters.get("token") ?? "", body: body, workspace: workspace(of: request))
            return response(answer)
        }
        router.get("/inputs/:job/:index/:token") { request, context -> Response in
            guard let index = context.parameters.get("index", as: Int.self),
                  let photo = await edge.photo(jobID: context.parameters.get("job") ?? "", index: index,
                                               token: context.parameters.get("token") ?? "", workspace: workspace(of: request)) else {
                return response(WebhookReceiver.Answer(status: 404, code: "NOT_FOUND", message: "no such input"))
            }
            return Response(status: .ok, headers: [.contentType: photo.mimeType], body: .init(byteBuffer: ByteBuffer(bytes: photo.data)))
        }
        router.get("/healthz") { _, _ in "ok" }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: ProcessMetrics.exposition())))
        }
        return router
    }

    /// The job's workspace, from the URL's `workspace` query item.
    private static func workspace(of request: Request) -> String? {
        request.uri.queryParameters["workspace"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The raw body, or nil when it is over the limit.
    private static func collect(_ request: Request) async throws -> Data? {
        do {
            let buffer = try await request.body.collect(upTo: WebhookReceiver.maximumBodyBytes)
            return Data(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return nil
        }
    }

    private static func tooLarge() -> Response {
        response(WebhookReceiver.Answer(status: 413, code: "PAYLOAD_TOO_LARGE",
                                        message: "webhook bodies are limited to \(WebhookReceiver.maximumBodyBytes) bytes"))
    }

    /// `{"message": …, "status": CODE}` for a 2xx, the shared `ErrorBody` otherwise.
    private static func response(_ answer: WebhookReceiver.Answer) -> Response {
        let body = answer.status < 300
            ? try? JSONEncoder().encode(WebhookAccepted(message: answer.message, status: answer.code))
            : try? JSONEncoder().encode(ErrorBody(code: answer.code, message: answer.message))
        return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body ?? Data())))
    }
}

/// What a provider's webhook gets when it was taken (recorded, or known already): the outcome's code and a sentence.
struct WebhookAccepted: Encodable {
    let message: String
    let status: String
}
