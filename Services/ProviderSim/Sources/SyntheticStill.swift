import Foundation

/// A made-up photo (a colour gradient with a grid) for text-to-video jobs, which come with no photo.
enum SyntheticStill {
    static func write(to file: URL, width: Int = 1280, height: Int = 720) throws -> URL {
        var bytes = Array("P6\n\(width) \(height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let grid = (x % 80 < 3 || y % 80 < 3) ? 60 : 0
                bytes.append(UInt8(min(255, x * 255 / width + grid)))
                bytes.append(UInt8(min(255, y * 255 / height + grid)))
                bytes.append(UInt8(min(255, 128 + grid)))
            }
        }
        try Data(bytes).write(to: file)
        return file
    }
}
