import EventContracts
import Foundation
import ObjectStorage

/// Why storage could not take a file. Never the customer's fault and never final: the event is
/// retried (with backoff) until storage takes it, rather than a paid-for video failing.
enum VideoStoreError: Error, CustomStringConvertible {
    case disk(key: String, reason: String)
    case bucket(key: String, S3Error)

    var description: String {
        switch self {
        case .disk(let key, let reason): "writing \(key) to disk failed: \(reason)"
        case .bucket(let key, let error): "uploading \(key) failed: \(error)"
        }
    }
}

/// Where storage-uploader puts finished files: local disk or an S3 bucket, chosen by configuration.
protocol VideoStore: Sendable {
    /// Stores `file` (`bytes` long, SHA-256 `sha256`) at `key` unless the same bytes are there
    /// already; returns whether anything was written.
    func store(file: URL, key: String, contentType: String, bytes: Int64, sha256: String) async throws(VideoStoreError) -> Bool
    /// The URL announced in `video.stored`.
    func announcedURL(for key: String) -> String
}

/// Local disk: an atomic copy (temporary file, fsync, rename), skipped when the same file is there.
struct LocalVideoStore: VideoStore {
    let blobs: LocalBlobStore

    func store(file: URL, key: String, contentType: String, bytes: Int64, sha256: String) async throws(VideoStoreError) -> Bool {
        do {
            let destination = try blobs.fileURL(for: key)
            if let size = (try? FileManager.default.attributesOfItem(atPath: destination.path))?[.size] as? Int64, size == bytes,
               FileDigest.sha256(path: destination.path)?.hexEncoded == sha256 {
                return false
            }
            let copied = try blobs.copyFile(at: file, to: key)
            guard copied.sha256 == sha256 else {
                throw VideoStoreError.disk(key: key, reason: "the copy's SHA-256 is not the source's")
            }
            return true
        } catch let error as VideoStoreError {
            throw error
        } catch {
            throw .disk(key: key, reason: "\(error)")
        }
    }

    /// Relative: api-ingress serves it under its own host, which storage-uploader does not know.
    func announcedURL(for key: String) -> String { "/media/\(key)" }
}

/// An S3-compatible bucket, through `S3Uploader`.
struct S3VideoStore: VideoStore {
    let uploader: S3Uploader

    func store(file: URL, key: String, contentType: String, bytes: Int64, sha256: String) async throws(VideoStoreError) -> Bool {
        do {
            return try await uploader.upload(file: file.path, key: key, contentType: contentType, bytes: bytes, sha256: sha256) != .alreadyPresent
        } catch {
            throw .bucket(key: key, error)
        }
    }

    func announcedURL(for key: String) -> String {
        VideoLinks(storage: .s3(uploader.client.settings)).url(for: key, localBaseURL: "")
    }
}
