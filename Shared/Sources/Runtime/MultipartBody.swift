import Foundation

/// A `multipart/form-data` request body, for RoomReel's own clients (the dev sample, tests).
public struct MultipartBody: Sendable {
    public let boundary: String
    public let data: Data

    /// `Content-Type` header value for this body.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Text `fields` in order, then an optional file part.
    public init(fields: [(String, String)], file: (name: String, filename: String, contentType: String, data: Data)? = nil) {
        boundary = "roomreel-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        if let file {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.contentType)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        data = body
    }
}
