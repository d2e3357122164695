/// The JSON body of every error answer RoomReel's HTTP servers give (api-ingress's API, the
/// provider-bridge's webhooks): `{"error": {"code", "message", "details"}}`, the code an `ErrorCode`.
public struct ErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        /// Machine-readable context, e.g. `required` and `balance` for `INSUFFICIENT_CREDITS`.
        public var details: [String: Int64]

        public init(code: String, message: String, details: [String: Int64] = [:]) {
            self.code = code
            self.message = message
            self.details = details
        }
    }

    public var error: Detail

    public init(code: String, message: String, details: [String: Int64] = [:]) {
        error = Detail(code: code, message: message, details: details)
    }
}
