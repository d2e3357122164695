import EventContracts
import Foundation
import Hummingbird
import Logging

/// The one error shape clients see: `{"error": {"code", "message", "details"}}` with the HTTP status
/// that goes with the code.
struct APIError: HTTPResponseError {
    let error: RoomReelError
    /// Headers the answer carries besides its content type (`Allow` on a 405).
    let headers: HTTPFields

    init(_ error: RoomReelError) {
        self.error = error
        self.headers = [:]
    }
    init(_ code: ErrorCode, _ message: String, details: [String: Int64] = [:], headers: HTTPFields = [:]) {
        self.error = RoomReelError(code, message, details: details)
        self.headers = headers
    }

    /// The code's HTTP status, with the status line's reason phrase (a bare number would leave it empty).
    var status: HTTPResponse.Status {
        Self.statuses[error.code.httpStatus] ?? HTTPResponse.Status(code: error.code.httpStatus)
    }

    private static let statuses = Dictionary(uniqueKeysWithValues: [
        HTTPResponse.Status.badRequest, .unauthorized, .init(code: 402, reasonPhrase: "Payment Required"), .notFound, .methodNotAllowed,
        .contentTooLarge, .unprocessableContent, .tooManyRequests, .internalServerError,
    ].map { ($0.code, $0) })

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(code: error.code.rawValue, message: error.message, details: error.details)
        let data = try JSONEncoder().encode(body)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error a route throws into the one JSON error shape, so that clients never see another.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw APIError.normalising(error, logger: context.logger)
        }
    }
}

extension APIError {
    /// Any error a route throws as the core's error: Hummingbird's and NIO's own refusals by status,
    /// anything unexpected as a logged 500.
    static func normalising(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as RoomReelError:
            return APIError(error)
        case let error as any HTTPResponseError:
            // Hummingbird's and NIO's own refusals (HTTPError, NIOTooManyBytesError, …), by status.
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            switch error.status {
            case .notFound: return APIError(.notFound, message)
            case .contentTooLarge: return APIError(.payloadTooLarge, "the request body is larger than allowed")
            case .unauthorized: return APIError(.unauthorized, message)
            default:
                if error.status.code < 500 { return APIError(.invalidRequest, message) }
                logger.error("Request failed", metadata: ["error": "\(error)"])
                return APIError(.internalError, "internal error")
            }
        default:
            logger.error("Request failed", metadata: ["error": "\(error)"])
            return APIError(.internalError, "internal error")
        }
    }
}
