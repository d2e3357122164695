import Crypto
import EventContracts
import Foundation
import ObjectStorage
import Testing
import TestSupport

@Suite("Local blob store")
struct LocalBlobStoreTests {
    @Test("refuses keys that could escape the storage root", arguments: ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a/"])
    func invalidKeys(key: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = LocalBlobStore(root: directory.url)
        #expect(throws: RoomReelError.self) { try store.write(Data("x".utf8), to: key) }
        #expect(!store.exists(key))
    }

    @Test("writes and copies whole objects, reporting size and SHA-256, leaving no temporary files")
    func writeAndCopy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = LocalBlobStore(root: directory.url.appendingPathComponent("store"))
        let bytes = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let source = directory.url.appendingPathComponent("source.bin")
        try bytes.write(to: source)

        let (size, sha256) = try store.copyFile(at: source, to: "generation-videos/job-1.mp4")
        #expect(size == Int64(bytes.count))
        #expect(sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        #expect(try Data(contentsOf: store.fileURL(for: "generation-videos/job-1.mp4")) == bytes)

        try store.write(Data("hello".utf8), to: "inputs/job-1/0.jpg")
        #expect(store.exists("inputs/job-1/0.jpg"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.root.appendingPathComponent("generation-videos").path)
        #expect(leftovers == ["job-1.mp4"])
    }
}
