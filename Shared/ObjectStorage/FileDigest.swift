import Crypto
import Foundation

/// SHA-256 of files or ranges of them, read in 1 MiB blocks with pread(2) (never whole in memory).
public enum FileDigest {
    /// The digest of `length` bytes of the file at `path` from `offset` (the rest of the file when
    /// `length` is nil), or nil when the file cannot be read that far.
    public static func sha256(path: String, offset: Int64 = 0, length: Int64? = nil) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var hasher = SHA256()
        let block = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 16)
        defer { buffer.deallocate() }
        var position = offset
        let end = length.map { offset + $0 }
        while end.map({ position < $0 }) ?? true {
            let wanted = end.map { min(Int64(block), $0 - position) } ?? Int64(block)
            let count = pread(descriptor, buffer.baseAddress, Int(wanted), off_t(position))
            if count < 0 { return nil }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            position += Int64(count)
        }
        if let end, position != end { return nil }
        return Array(hasher.finalize())
    }
}
