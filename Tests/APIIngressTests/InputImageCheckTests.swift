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

    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/living-room.jpg")

    /// The decode check's verdict on `bytes`: nil when clean, else the error's code.
    static func decodeCode(_ bytes: [UInt8]) async throws -> ErrorCode? {
        let check = InputImageCheck()
        let header = try check.checkHeader(bytes, field: "image")
        do {
            try await check.checkDecodes(bytes, header: header, field: "image")
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a damaged JPEG whose header is fine fails the decode check: cut short, or with its entropy data overwritten")
    func damagedJPEG() async throws {
        let whole = [UInt8](try Data(contentsOf: Self.sample))
        #expect(try InputImageCheck().checkHeader(Array(whole.prefix(whole.count * 2 / 3)), field: "image").width == 1600)
        #expect(try await Self.decodeCode(whole) == nil)
        #expect(try await Self.decodeCode(Array(whole.prefix(whole.count * 2 / 3))) == .invalidImage)
        #expect(try await Self.decodeCode(Array(whole.dropLast(2))) == .invalidImage, "no end-of-image marker")
        // Overwritten early, in the middle and just before the end: wherever the damage is, it is found
        // (the decoder skips the pixel work for all but the last row, never the entropy decoding).
        for start in [whole.count / 7, whole.count / 2, whole.count - 600] {
            var scribbled = whole
            for index in start..<(start + 400) { scribbled[index] = 0xFF }
            #expect(try await Self.decodeCode(scribbled) == .invalidImage, "damage at \(start) of \(whole.count)")
        }
    }

    @Test("PNGs decode in full: clean ones pass (with any row filter); a cut one, a bad CRC and a header that lies about the size fail")
    func damagedPNG() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func png(_ name: String, _ extra: [String] = []) throws -> [UInt8] {
            let file = directory.url.appendingPathComponent(name)
            let made = try runTool("ffmpeg", ["-v", "error", "-y", "-i", Self.sample.path, "-vf", "scale=800:600"] + extra + ["-frames:v", "1", file.path])
            #expect(made.status == 0, "\(made.output)")
            return [UInt8](try Data(contentsOf: file))
        }
        let clean = try png("clean.png")
        #expect(try await Self.decodeCode(clean) == nil)
        #expect(try await Self.decodeCode(try png("mixed.png", ["-pred", "mixed"])) == nil)
        #expect(try await Self.decodeCode(Array(clean.prefix(clean.count / 2))) == .invalidImage)
        var badCRC = clean
        badCRC[clean.count / 2] ^= 0x55
        #expect(try await Self.decodeCode(badCRC) == .invalidImage)
        // The IHDR says 700 wide (its CRC made right), the data holds 800-pixel rows.
        var lying = clean
        lying[16...19] = [0, 0, 0x02, 0xBC]
        let crc = Self.crc32(Array(lying[12..<29]))
        lying[29...32] = [UInt8(crc >> 24 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        #expect(try InputImageCheck().checkHeader(lying, field: "image").width == 700)
        #expect(try await Self.decodeCode(lying) == .invalidImage)
    }

    /// PNG's CRC-32 of a chunk's type and data.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
