import CImageDecode

/// Decodes whole JPEG and PNG photos in memory, in-process, with the system's libjpeg-turbo and
/// libpng: every byte of the compressed data is read, and any damage (a cut-off file, corrupt
/// entropy data, a bad CRC, a warning of any kind) is a failure. The decoded pixels are not kept.
public enum PhotoDecoder {
    /// What decoding found: the frame's stored size, or the decoder's complaint.
    public enum Outcome: Sendable, Equatable {
        case decoded(width: Int, height: Int)
        case damaged(String)
    }

    /// JPEGs are decoded at 1/8 scale: DCT scaling skips most of the inverse transform and the
    /// colour work but still entropy-decodes every block.
    public static let jpegScaleDenominator: UInt32 = 8

    /// Decodes `bytes` as `format`. Blocking and CPU-bound: run it off the cooperative pool.
    public static func decode(_ bytes: [UInt8], format: ImageHeader.Format) -> Outcome {
        let result = bytes.withUnsafeBufferPointer { buffer in
            switch format {
            case .jpeg: rr_decode_jpeg(buffer.baseAddress, buffer.count, jpegScaleDenominator)
            case .png: rr_decode_png(buffer.baseAddress, buffer.count)
            }
        }
        guard result.failed == 0 else {
            let message = withUnsafeBytes(of: result.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            return .damaged(message)
        }
        return .decoded(width: Int(result.width), height: Int(result.height))
    }
}
