import Foundation

/// Puts a file into an S3 bucket the way a paid-for video deserves: one PUT for a small file,
/// otherwise a multipart upload whose parts go up a few at a time, each retried on its own with
/// backoff, the whole upload aborted on failure so that no orphaned parts are left (and billed). The
/// file's SHA-256 travels as `x-amz-meta-sha256`; an object already holding the same digest and size
/// is not sent again, so a redelivered event uploads nothing twice.
public struct S3Uploader: Sendable {
    public let client: S3Client
    /// Test hook: for each part number, how many of its first attempts break half-way (the
    /// connection dropped mid-body, against the real server). Empty in production.
    public var partFaults: [Int: Int]

    public enum Outcome: Sendable, Equatable {
        /// Sent in one PUT (`parts` 1) or in `parts` parts.
        case uploaded(parts: Int)
        /// The same bytes were there already.
        case alreadyPresent
    }

    public init(client: S3Client, partFaults: [Int: Int] = [:]) {
        self.client = client
        self.partFaults = partFaults
    }

    /// Uploads `file` (`bytes` long, SHA-256 `sha256` in hex) to `key`, then checks with a HEAD that
    /// the object has that size and digest.
    public func upload(file: String, key: String, contentType: String, bytes: Int64, sha256: String) async throws(S3Error) -> Outcome {
        if let head = try await retrying({ () throws(S3Error) in try await client.headObject(key) }),
           head.bytes == bytes, head.metadata["sha256"] == sha256 {
            return .alreadyPresent
        }
        let metadata = ["sha256": sha256]
        let outcome: Outcome
        if bytes <= client.settings.multipartThreshold {
            try await retrying { () throws(S3Error) in
                try await client.putObject(key, file: file, length: bytes, contentType: contentType, metadata: metadata)
            }
            outcome = .uploaded(parts: 1)
        } else {
            outcome = .uploaded(parts: try await multipart(file: file, key: key, contentType: contentType, bytes: bytes, metadata: metadata))
        }
        guard let stored = try await retrying({ () throws(S3Error) in try await client.headObject(key) }),
              stored.bytes == bytes, stored.metadata["sha256"] == sha256 else {
            throw .checksumMismatch("\(key) is not the \(bytes) bytes with SHA-256 \(sha256) that were sent")
        }
        return outcome
    }

    private func multipart(file: String, key: String, contentType: String, bytes: Int64, metadata: [String: String]) async throws(S3Error) -> Int {
        let uploadID = try await retrying { () throws(S3Error) in
            try await client.createMultipartUpload(key, contentType: contentType, metadata: metadata)
        }
        let partSize = client.settings.partSize
        let count = Int((bytes + partSize - 1) / partSize)
        do {
            let parts = try await uploadParts(file: file, key: key, uploadID: uploadID, count: count, partSize: partSize, bytes: bytes)
            try await retrying { () throws(S3Error) in try await client.completeMultipartUpload(key, uploadID: uploadID, parts: parts) }
            return count
        } catch {
            // Parts already sent cost storage until aborted: never leave them behind.
            try? await retrying { () throws(S3Error) in try await client.abortMultipartUpload(key, uploadID: uploadID) }
            throw error
        }
    }

    /// Sends the parts with at most `concurrency` in flight; the first part to fail for good cancels
    /// the rest.
    private func uploadParts(file: String, key: String, uploadID: String, count: Int, partSize: Int64, bytes: Int64) async throws(S3Error) -> [S3UploadedPart] {
        let width = max(1, client.settings.concurrency)
        let result: Result<[S3UploadedPart], S3Error> = await withTaskGroup(of: Result<S3UploadedPart, S3Error>.self) { group in
            var next = 1
            var parts: [S3UploadedPart] = []
            func start(_ number: Int) {
                let offset = Int64(number - 1) * partSize
                let length = min(partSize, bytes - offset)
                group.addTask {
                    do throws(S3Error) {
                        return .success(try await uploadPart(file: file, key: key, uploadID: uploadID, number: number, offset: offset, length: length))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while next <= min(width, count) {
                start(next)
                next += 1
            }
            while let finished = await group.next() {
                switch finished {
                case .success(let part):
                    parts.append(part)
                    if next <= count {
                        start(next)
                        next += 1
                    }
                case .failure(let error):
                    group.cancelAll()
                    return .failure(error)
                }
            }
            return .success(parts)
        }
        return try result.get()
    }

    private func uploadPart(file: String, key: String, uploadID: String, number: Int, offset: Int64, length: Int64) async throws(S3Error) -> S3UploadedPart {
        var attempt = 0
        return try await retrying { () throws(S3Error) in
            attempt += 1
            let breakAfter: Int64? = attempt <= (partFaults[number] ?? 0) ? length / 2 : nil
            return try await client.uploadPart(key, uploadID: uploadID, number: number, file: file, offset: offset, length: length,
                                               breakAfter: breakAfter)
        }
    }

    /// Runs `operation` up to `settings.attempts` times while it fails transiently, waiting 0.2 s,
    /// 0.4 s, … (with ±20 % jitter) between tries.
    private func retrying<Value>(_ operation: () async throws(S3Error) -> Value) async throws(S3Error) -> Value {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch {
                guard error.isTransient, attempt < client.settings.attempts, !Task.isCancelled else { throw error }
                let delay = 0.2 * Double(1 << (attempt - 1)) * Double.random(in: 0.8...1.2)
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                attempt += 1
            }
        }
    }
}
