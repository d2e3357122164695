import EventRuntime
import Foundation
import GRDB
import Media
import ObjectStorage

/// The jobs' input photos, served to providers that fetch their inputs by URL rather than take them
/// inline (Luma documents an image URL): `GET /inputs/{job}/{index}/{token}`. The token is the
/// bridge's MAC of the job and index (`CallbackURLs.inputToken`), so only a URL the bridge handed out
/// opens a photo, and only while its job is still in flight. Anything else is one plain 404.
struct InputFiles: Sendable {
    let database: ServiceDatabase
    let storage: LocalBlobStore
    let callbacks: CallbackURLs

    /// A stored photo and its type, read from its first bytes.
    struct Photo: Sendable {
        var data: Data
        var mimeType: String
    }

    /// The photo a URL names, or nil (bad token, no such job or input, job ended, file gone).
    func photo(jobID: String, index: Int, token: String) async -> Photo? {
        guard index >= 0, callbacks.isValidInput(token: token, jobID: jobID, index: index) else { return nil }
        let key = try? await database.pool.read { db -> String? in
            guard let prediction = try PredictionRecord.fetchOne(db, key: jobID), !prediction.status.isTerminal else { return nil }
            let keys = try prediction.decodedRouted().inputImageKeys
            return keys.indices.contains(index) ? keys[index] : nil
        }
        guard let key else { return nil }
        return try? Self.read(key, from: storage)
    }

    /// The photo stored under `key`.
    static func read(_ key: String, from storage: LocalBlobStore) throws -> Photo {
        let data = try Data(contentsOf: try storage.fileURL(for: key))
        return Photo(data: data, mimeType: ImageHeader.format(of: Array(data.prefix(16))) == .png ? "image/png" : "image/jpeg")
    }
}
