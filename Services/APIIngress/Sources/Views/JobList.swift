import EventContracts
import Foundation

/// A page of `GET /v1/videos`.
struct JobList: Encodable {
    let data: [JobView]
    /// Pass as `cursor` for the next page; null on the last page.
    let nextCursor: String?
    let hasMore: Bool

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}

/// Where a page of `GET /v1/videos` ended: the last job's creation time and id (jobs are listed by
/// both, newest first, so equal times still page exactly). Opaque to clients: `<ms>.<id>`, base64url.
struct JobListCursor {
    let createdAt: Date
    let jobID: String

    init(createdAt: Date, jobID: String) {
        self.createdAt = createdAt
        self.jobID = jobID
    }

    init(_ text: String) throws {
        guard text.utf8.count <= 200, let data = Base64URL.decode(text), let decoded = String(data: data, encoding: .utf8),
              let dot = decoded.firstIndex(of: "."), let milliseconds = Int64(decoded[..<dot]), !decoded[decoded.index(after: dot)...].isEmpty
        else { throw APIError(.invalidRequest, "cursor is not one this API handed out") }
        createdAt = Date(millisecondsSince1970: milliseconds)
        jobID = String(decoded[decoded.index(after: dot)...])
    }

    var text: String {
        Base64URL.encode(Data("\(createdAt.millisecondsSince1970).\(jobID)".utf8))
    }
}
