import BlockingIO
import EventContracts
import Foundation
import Media

/// The checks every input photo passes before a job is accepted (and so before anything is charged):
/// a JPEG or PNG by its magic bytes, a header that makes sense, at least 512×512 and at most 8192 px a
/// side and 20 MB, and data that decodes in full without error to the size its header states (a
/// truncated or lying file fails here, not halfway through a render that was already paid for).
public struct InputImageCheck: Sendable {
    public static let minimumSide = 512
    public static let maximumSide = 8192
    public static let maximumBytes = 20 * 1_000_000

    /// The threads photos are decoded on: as many as there are cores, so that decoding never starves
    /// the cooperative pool and a burst of uploads queues instead of oversubscribing the machine.
    private let decoders: BlockingWorkers

    public init(decodeThreads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        decoders = BlockingWorkers(name: "photo-decode", maximumThreads: max(1, decodeThreads))
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

    /// Decodes the whole photo in-process (libjpeg-turbo, libpng) on the decode threads; any damage,
    /// or a frame of another size than `header` states, is `INVALID_IMAGE`.
    public func checkDecodes(_ bytes: [UInt8], header: ImageHeader, field: String) async throws(RoomReelError) {
        let outcome = await decoders.run { PhotoDecoder.decode(bytes, format: header.format) }
        switch outcome {
        case .damaged:
            throw RoomReelError(.invalidImage, "\(field) could not be decoded cleanly: the file is damaged or not the image its header claims")
        case .decoded(let width, let height):
            guard width == header.width, height == header.height else {
                throw RoomReelError(.invalidImage, "\(field) decodes to \(width)×\(height), not the \(header.width)×\(header.height) its header states")
            }
        }
    }
}
