import Foundation

/// The cheap first check that a downloaded file is an MP4: its first box is `ftyp`.
enum MP4Check {
    static func looksLikeMP4(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 12), header.count == 12 else { return false }
        return Array(header[4..<8]) == Array("ftyp".utf8)
    }
}
