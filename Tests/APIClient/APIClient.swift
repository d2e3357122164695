import Foundation
import HTTPTypes
import OpenAPIRuntime
import OpenAPIURLSession

/// A typed client for RoomReel's public API, generated at build time from `openapi.yaml` (the one
/// declaration api-ingress serves) by swift-openapi-generator: a test written against it does not
/// compile if the document and the test disagree about a route, a field or an answer.
extension Client {
    /// A client of the RoomReel at `baseURL` that sends `Authorization: Bearer <key>` with every call.
    public static func roomReel(_ baseURL: URL, key: String) -> Client {
        // Job times carry milliseconds.
        Client(serverURL: baseURL, configuration: Configuration(dateTranscoder: .iso8601WithFractionalSeconds),
               transport: URLSessionTransport(), middlewares: [BearerKey(key: key)])
    }
}

/// Adds the API key to every request.
struct BearerKey: ClientMiddleware {
    let key: String

    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(key)"
        return try await next(request, body, baseURL)
    }
}
