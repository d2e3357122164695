import APIIngress
import Hummingbird

/// `multipart/form-data` as api-ingress receives it: the first line is the `Content-Type` header,
/// the rest the body. Whatever the bytes, parsing and reading the form into a submission either
/// succeed or refuse; what they keep is part of what was sent.
enum MultipartHarness {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        let (header, body) = input.lines(1)
        guard let boundary = MultipartForm.boundary(fromContentType: header[0]) else { return }
        try require(!boundary.isEmpty && header[0].contains(boundary), "boundary \(boundary) is not in \(header[0])")
        guard let form = try? MultipartForm.parse(ByteBuffer(bytes: body), boundary: boundary) else { return }
        for part in form.parts {
            try require(part.body.readableBytes <= body.count, "a part of \(part.body.readableBytes) bytes from a body of \(body.count)")
        }
        guard let submission = try? VideoSubmission.multipart(form) else { return }
        for (slot, sources) in submission.photos {
            try require(["image", "before_image", "after_image", "images"].contains(slot), "photo slot \(slot)")
            try require(!sources.isEmpty, "an empty photo slot \(slot)")
        }
        _ = submission.fingerprint
    }
}
