import Media

/// A photo's bytes: the header reader (format, size, EXIF orientation) and the in-process decoder
/// (libjpeg-turbo, libpng) either read them or refuse them, and agree on what they read.
enum ImageHarness {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        let format = ImageHeader.format(of: input)
        let header = ImageHeader.read(input)
        if let header {
            try require(header.format == format, "header format \(header.format) for bytes of format \(String(describing: format))")
            try require(header.width > 0 && header.height > 0, "a header of \(header.width)×\(header.height)")
        }
        guard let format else { return }
        if case .decoded(let width, let height) = PhotoDecoder.decode(input, format: format) {
            try require(width > 0 && height > 0, "decoded \(width)×\(height)")
            if let header {
                try require(header.width == width && header.height == height,
                            "the header says \(header.width)×\(header.height), the decoder \(width)×\(height)")
            }
        }
    }
}
