
/// What a photo's header says, read from its bytes without decoding the pixels: the format (by magic
/// bytes, never by name), the stored pixel size, and the EXIF orientation.
public struct ImageHeader: Sendable, Equatable {
    public enum Format: String, Sendable {
        case jpeg, png

        /// The file extension stored inputs get.
        public var fileExtension: String {
            switch self {
            case .jpeg: "jpg"
            case .png: "png"
            }
        }
    }

    public var format: Format
    /// Stored size, before orientation.
    public var width: Int
    public var height: Int
    public var orientation: ImageOrientation

    public init(format: Format, width: Int, height: Int, orientation: ImageOrientation = .up) {
        self.format = format
        self.width = width
        self.height = height
        self.orientation = orientation
    }

    /// Size as shown upright.
    public var uprightSize: (width: Int, height: Int) {
        orientation.swapsDimensions ? (height, width) : (width, height)
    }

    /// The format of `bytes` by magic bytes alone, or nil when it is neither a JPEG nor a PNG.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    /// Reads the header of a JPEG or PNG; nil when the bytes are neither, or the header is cut short
    /// or inconsistent (a PNG signature on garbage, a JPEG without a frame header).
    public static func read(_ bytes: [UInt8]) -> ImageHeader? {
        switch format(of: bytes) {
        case .png: readPNG(bytes)
        case .jpeg: readJPEG(bytes)
        case nil: nil
        }
    }

    private static func readPNG(_ bytes: [UInt8]) -> ImageHeader? {
        // Signature (8), then the IHDR chunk: length 13, "IHDR", width, height (big-endian).
        guard bytes.count >= 33, bytes[12..<16].elementsEqual(Array("IHDR".utf8)),
              let width = bytes.bigEndian(at: 16, size: 4), let height = bytes.bigEndian(at: 20, size: 4),
              width > 0, height > 0 else { return nil }
        return ImageHeader(format: .png, width: width, height: height)
    }

    private static func readJPEG(_ bytes: [UInt8]) -> ImageHeader? {
        var orientation = ImageOrientation.up
        var index = 2
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { index += 2; continue }
            guard let length = bytes.bigEndian(at: index + 2, size: 2), length >= 2 else { return nil }
            let segment = index + 4
            switch marker {
            case 0xE1:
                if let found = exifOrientation(bytes, from: segment, length: length - 2) { orientation = found }
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                // Start of frame: precision (1), height (2), width (2).
                guard let height = bytes.bigEndian(at: segment + 1, size: 2), let width = bytes.bigEndian(at: segment + 3, size: 2),
                      width > 0, height > 0 else { return nil }
                return ImageHeader(format: .jpeg, width: width, height: height, orientation: orientation)
            case 0xD9, 0xDA:
                return nil  // end of image or scan data before any frame header
            default:
                break
            }
            index += 2 + length
        }
        return nil
    }

    /// The orientation tag (0x0112) of an APP1 Exif segment, if present and valid.
    private static func exifOrientation(_ bytes: [UInt8], from start: Int, length: Int) -> ImageOrientation? {
        let end = min(start + length, bytes.count)
        guard end - start >= 14, bytes[start..<start + 6].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0]) else { return nil }
        let tiff = start + 6
        let littleEndian: Bool
        switch (bytes[tiff], bytes[tiff + 1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func read(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= tiff, offset + size <= end else { return nil }
            return littleEndian ? bytes.littleEndian(at: offset, size: size) : bytes.bigEndian(at: offset, size: size)
        }
        guard let ifdOffset = read(tiff + 4, 4), let count = read(tiff + ifdOffset, 2) else { return nil }
        for entry in 0..<count {
            let position = tiff + ifdOffset + 2 + entry * 12
            guard let tag = read(position, 2) else { return nil }
            if tag == 0x0112, let value = read(position + 8, 2) {
                return ImageOrientation(rawValue: value)
            }
        }
        return nil
    }
}

extension [UInt8] {
    func bigEndian(at offset: Int, size: Int) -> Int? {
        guard offset >= 0, offset + size <= count else { return nil }
        return self[offset..<offset + size].reduce(0) { $0 << 8 | Int($1) }
    }

    func littleEndian(at offset: Int, size: Int) -> Int? {
        guard offset >= 0, offset + size <= count else { return nil }
        return self[offset..<offset + size].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
