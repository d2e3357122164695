import Crypto
import EventContracts
import Foundation

/// Object storage on local disk: keys are relative paths under a root folder. Writes are atomic
/// (temporary file, fsync, rename), so a reader never sees a partial object.
public struct LocalBlobStore: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The file that holds `key`. Keys are validated so none escapes the root.
    public func fileURL(for key: String) throws -> URL {
        URL(fileURLWithPath: try filePath(for: key))
    }

    /// The path of the file that holds `key`, validated like `fileURL(for:)`: for the hot paths that
    /// only test whether an object exists (building URLs cost more than the test).
    public func filePath(for key: String) throws -> String {
        let components = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !key.hasPrefix("/"),
              components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw RoomReelError(.invalidRequest, "invalid storage key '\(key)'")
        }
        return rootPath + "/" + key
    }

    private var rootPath: String {
        let path = root.path
        return path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// Stores `bytes` at `key`, replacing any object there.
    public func write(_ bytes: some DataProtocol, to key: String) throws {
        let destination = try fileURL(for: key)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
            try Self.rename(temporary, to: destination)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Copies the file at `source` into storage at `key` in 1 MiB chunks (never whole in memory),
    /// atomically, and returns its size and SHA-256.
    public func copyFile(at source: URL, to key: String) throws -> (bytes: Int64, sha256: String) {
        let destination = try fileURL(for: key)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let input = try FileHandle(forReadingFrom: source)
        let output = try FileHandle(forWritingTo: temporary)
        defer { try? input.close() }
        do {
            var hasher = SHA256()
            var total: Int64 = 0
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                total += Int64(chunk.count)
            }
            try output.synchronize()
            try output.close()
            try Self.rename(temporary, to: destination)
            let digest = hasher.finalize().hexEncoded
            return (total, digest)
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// rename(2): atomic replacement of `destination`, which readers see either whole or not at all.
    private static func rename(_ source: URL, to destination: URL) throws {
        guard Foundation.rename(source.path, destination.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path,
                                                           NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
        }
    }

    /// Whether an object exists at `key`.
    public func exists(_ key: String) -> Bool {
        guard let url = try? fileURL(for: key) else { return false }
        return FileManager.default.fileExists(atPath: url.path)
    }
}
