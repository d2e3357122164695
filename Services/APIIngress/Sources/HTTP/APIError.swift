import EventContracts
import Foundation
import Hummingbird

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
        .contentTooLarge, .unprocessableContent, .internalServerError,
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
        } catch let error as APIError {
            throw error
        } catch let error as RoomReelError {
            throw APIError(error)
        } catch let error as any HTTPResponseError {
            // Hummingbird's and NIO's own refusals (HTTPError, NIOTooManyBytesError, …), by status.
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            switch error.status {
            case .notFound: throw APIError(.notFound, message)
            case .contentTooLarge: throw APIError(.payloadTooLarge, "the request body is larger than allowed")
            case .unauthorized: throw APIError(.unauthorized, message)
            default:
                if error.status.code < 500 { throw APIError(.invalidRequest, message) }
                context.logger.error("Request failed", metadata: ["error": "\(error)"])
                throw APIError(.internalError, "internal error")
            }
        } catch {
            context.logger.error("Request failed", metadata: ["error": "\(error)"])
            throw APIError(.internalError, "internal error")
        }
    }
}
