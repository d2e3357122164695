import Foundation

/// A `multipart/form-data` request body, for RoomReel's own clients (the dev sample, tests).
public struct MultipartBody: Sendable {
    public let boundary: String
    public let data: Data

    /// `Content-Type` header value for this body.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// One file part: the form field, the file's name and type, its bytes.
    public typealias File = (name: String, filename: String, contentType: String, data: Data)

    /// Text `fields` in order, then an optional file part.
    public init(fields: [(String, String)], file: File? = nil) {
        self.init(fields: fields, files: file.map { [$0] } ?? [])
    }

    /// Text `fields` in order, then the file parts in order.
    public init(fields: [(String, String)], files: [File]) {
        boundary = "roomreel-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.contentType)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        data = body
    }
}
