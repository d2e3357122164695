import Hummingbird

extension Request {
    /// The token of an `Authorization: Bearer <token>` header, trimmed; nil without one.
    var bearerToken: String? {
        guard let header = headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
    }
}
