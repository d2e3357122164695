import APIIngress
import EventContracts
import Foundation
import Testing
import TestSupport

@Suite("Input photo checks")
struct InputImageCheckTests {
    /// A PNG signature and IHDR claiming `width`×`height`, padded to `size` bytes.
    static func pngHeader(width: Int, height: Int, size: Int = 64) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let head: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + Array("IHDR".utf8) + be32(width) + be32(height)
        return head + [UInt8](repeating: 0, count: max(0, size - head.count))
    }

    static func code(_ bytes: [UInt8]) -> ErrorCode? {
        do {
            _ = try InputImageCheck().checkHeader(bytes, field: "image")
            return nil
        } catch {
            return error.code
        }
    }

    @Test("size limits: 512 to 8192 px a side, 20 MB, each with its own code", arguments: [
        (512, 512, nil), (8192, 600, nil), (511, 900, ErrorCode.imageTooSmall), (900, 400, .imageTooSmall),
        (8193, 600, .imageTooLarge), (600, 9000, .imageTooLarge),
    ] as [(Int, Int, ErrorCode?)])
    func dimensions(width: Int, height: Int, expected: ErrorCode?) {
        #expect(Self.code(Self.pngHeader(width: width, height: height)) == expected)
    }

    @Test("a file over 20 MB is refused before its header is read, with its size in the details")
    func tooManyBytes() throws {
        let bytes = Self.pngHeader(width: 1024, height: 768, size: InputImageCheck.maximumBytes + 1)
        let error = try #require(throws: RoomReelError.self) { _ = try InputImageCheck().checkHeader(bytes, field: "image") }
        #expect(error.code == .imageTooLarge)
        #expect(error.details["bytes"] == Int64(InputImageCheck.maximumBytes + 1))
    }

    @Test("names and extensions do not matter; magic bytes do", arguments: [
        Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 100), Array("%PDF-1.7".utf8), [],
    ])
    func notAPhoto(bytes: [UInt8]) {
        #expect(Self.code(bytes) == .invalidImage)
    }

    @Test("a damaged JPEG whose header is fine fails the decode check")
    func damagedJPEG() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let photo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/living-room.jpg")
        let whole = try Data(contentsOf: photo)
        let cut = directory.url.appendingPathComponent("cut.jpg")
        try whole.prefix(whole.count * 2 / 3).write(to: cut)
        let check = InputImageCheck()
        #expect(try check.checkHeader([UInt8](whole.prefix(whole.count * 2 / 3)), field: "image").width == 1600)
        await #expect(throws: Never.self) { try await check.checkDecodes(photo, field: "image") }
        let error = await #expect(throws: RoomReelError.self) { try await check.checkDecodes(cut, field: "image") }
        #expect(error?.code == .invalidImage)
    }
}
