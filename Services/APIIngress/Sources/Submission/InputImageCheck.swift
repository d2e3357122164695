import EventContracts
import Foundation
import Media

/// The checks every input photo passes before a job is accepted (and so before anything is charged):
/// a JPEG or PNG by its magic bytes, a header that makes sense, at least 512×512 and at most 8192 px a
/// side and 20 MB, and pixels that ffmpeg decodes without error (a truncated or lying file fails here,
/// not halfway through a render that was already paid for).
public struct InputImageCheck: Sendable {
    public static let minimumSide = 512
    public static let maximumSide = 8192
    public static let maximumBytes = 20 * 1_000_000

    /// The ffmpeg executable that decodes the pixels: a path, or a name looked up on PATH.
    public let ffmpegPath: String

    public init(ffmpegPath: String = "ffmpeg") {
        self.ffmpegPath = ffmpegPath
    }

    /// Checks what can be checked from the bytes alone; `field` names the form field in errors.
    public func checkHeader(_ bytes: [UInt8], field: String) throws(RoomReelError) -> ImageHeader {
        guard bytes.count <= Self.maximumBytes else {
            throw RoomReelError(.imageTooLarge, "\(field) is \(bytes.count) bytes; the limit is \(Self.maximumBytes) (20 MB)",
                                details: ["bytes": Int64(bytes.count), "maximum_bytes": Int64(Self.maximumBytes)])
        }
        guard ImageHeader.format(of: bytes) != nil else {
            throw RoomReelError(.invalidImage, "\(field) must be a JPEG or PNG file")
        }
        guard let header = ImageHeader.read(bytes) else {
            throw RoomReelError(.invalidImage, "\(field) has a broken or truncated header")
        }
        let (width, height) = header.uprightSize
        guard min(width, height) >= Self.minimumSide else {
            throw RoomReelError(.imageTooSmall, "\(field) is \(width)×\(height); both sides must be at least \(Self.minimumSide) px",
                                details: ["width": Int64(width), "height": Int64(height), "minimum_side": Int64(Self.minimumSide)])
        }
        guard max(width, height) <= Self.maximumSide else {
            throw RoomReelError(.imageTooLarge, "\(field) is \(width)×\(height); neither side may exceed \(Self.maximumSide) px",
                                details: ["width": Int64(width), "height": Int64(height), "maximum_side": Int64(Self.maximumSide)])
        }
        return header
    }

    /// Decodes the stored file with ffmpeg, treating any decoder error as fatal.
    public func checkDecodes(_ file: URL, field: String) async throws(RoomReelError) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("roomreel-decode-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        do {
            try await ExternalProcess.run(ffmpegPath, arguments: [
                "-hide_banner", "-nostdin", "-v", "error", "-xerror", "-err_detect", "explode",
                "-i", file.path, "-frames:v", "1", "-f", "null", "-",
            ], logFile: log)
        } catch is ExternalProcess.Failure {
            throw RoomReelError(.invalidImage, "\(field) could not be decoded: the file is damaged or not the image its header claims")
        } catch {
            throw RoomReelError(.internalError, "could not run the image decoder: \(error)")
        }
        // ffmpeg reports some damage (an overread at the end of a cut-off JPEG) and still exits 0.
        let complaints = (try? String(contentsOf: log, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard complaints.isEmpty else {
            throw RoomReelError(.invalidImage, "\(field) could not be decoded cleanly: the file is damaged")
        }
    }
}
