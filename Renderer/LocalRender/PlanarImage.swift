import CRenderKernel

/// A picture in planar YUV 4:2:0 (8-bit), the layout x264 encodes: a full-size luma plane, then two
/// chroma planes of half the width and height. Widths and heights are even.
struct PlanarImage: Sendable {
    let width: Int
    let height: Int
    var bytes: [UInt8]

    init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(width % 2 == 0 && height % 2 == 0 && bytes.count == Self.byteCount(width: width, height: height))
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    init(width: Int, height: Int) {
        self.init(width: width, height: height, bytes: [UInt8](repeating: 0, count: Self.byteCount(width: width, height: height)))
    }

    static func byteCount(width: Int, height: Int) -> Int {
        width * height * 3 / 2
    }

    /// (offset, width, height) of plane 0 (Y), 1 (U) and 2 (V) within `bytes`.
    var planeLayout: [(offset: Int, width: Int, height: Int)] {
        let luma = width * height
        let chroma = luma / 4
        return [(0, width, height), (luma, width / 2, height / 2), (luma + chroma, width / 2, height / 2)]
    }

    /// Calls `body` with the kernel's view of each plane of `source` and of this image.
    mutating func withPlanes(from source: PlanarImage, _ body: (_ source: rr_plane, _ destination: inout rr_plane, _ plane: Int) -> Void) {
        let sourceLayout = source.planeLayout
        let layout = planeLayout
        source.bytes.withUnsafeBufferPointer { sourceBytes in
            bytes.withUnsafeMutableBufferPointer { destinationBytes in
                for plane in 0..<3 {
                    let s = sourceLayout[plane], d = layout[plane]
                    let sourcePlane = rr_plane(data: UnsafeMutablePointer(mutating: sourceBytes.baseAddress! + s.offset),
                                               width: Int32(s.width), height: Int32(s.height), stride: Int32(s.width))
                    var destinationPlane = rr_plane(data: destinationBytes.baseAddress! + d.offset,
                                                    width: Int32(d.width), height: Int32(d.height), stride: Int32(d.width))
                    body(sourcePlane, &destinationPlane, plane)
                }
            }
        }
    }
}
