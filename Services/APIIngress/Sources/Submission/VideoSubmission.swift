import Crypto
import EventContracts
import Foundation
import Hummingbird

/// A `POST /v1/videos` body, multipart/form-data or JSON, reduced to its text fields and its photos,
/// so that one path validates both.
package struct VideoSubmission {
    /// Where a photo comes from: sent inline (a file part, or base64) or to be fetched from a URL.
    package enum PhotoSource {
        case bytes([UInt8])
        case url(URL)
    }

    /// Photo slots: `image`, `before_image`, `after_image`, and `images` (a reel's, in order).
    package var photos: [String: [PhotoSource]] = [:]
    private var fields: [String: String] = [:]

    package func text(_ name: String) -> String? { fields[name] }

    init() {}

    /// A submission a compatibility route translated from its own wire format into the core's
    /// field names (`fieldNames`) and photo slots.
    init(fields: [String: String], photos: [String: [PhotoSource]] = [:]) {
        self.fields = fields
        self.photos = photos
    }

    /// The body of a `POST /v1/videos`: multipart/form-data or JSON, by its content type.
    static func read(_ request: Request, maxUploadBytes: Int) async throws -> VideoSubmission {
        let contentType = request.headers[.contentType] ?? ""
        if let boundary = MultipartForm.boundary(fromContentType: contentType) {
            return try multipart(try MultipartForm.parse(try await request.body.collect(upTo: maxUploadBytes), boundary: boundary))
        } else if contentType.lowercased().hasPrefix("application/json") {
            return try json(try await request.body.collect(upTo: maxUploadBytes))
        }
        throw APIError(.invalidRequest, "send the request as application/json or multipart/form-data")
    }

    /// The scalar fields a request may carry.
    static let fieldNames: Set<String> = [
        "video_type", "model", "camera_motion", "prompt", "style", "aspect_ratio", "duration", "resolution", "fps",
        "focus_x", "focus_y", "reveal", "fallback", "max_credits", "workspace_id", "webhook_url", "destination_prefix",
    ]

    /// From a multipart form: file parts are photos; a photo field without a file name carries base64;
    /// `image_url`, `before_image_url`, `after_image_url` and `image_urls[]` name photos to fetch.
    /// Unknown parts are refused, naming them, as in JSON.
    package static func multipart(_ form: MultipartForm) throws -> VideoSubmission {
        var submission = VideoSubmission()
        for var part in form.parts {
            let slot = part.name == "images[]" ? "images" : part.name
            if slot.hasSuffix("_base64"), case let base = String(slot.dropLast("_base64".count)), ["image", "before_image", "after_image"].contains(base) {
                let bytes = part.body.readBytes(length: part.body.readableBytes) ?? []
                guard !bytes.isEmpty else { continue }
                submission.photos[base, default: []].append(.bytes(try decodeBase64(bytes, field: part.name)))
            } else if ["image", "before_image", "after_image", "images"].contains(slot) {
                let bytes = part.body.readBytes(length: part.body.readableBytes) ?? []
                guard !bytes.isEmpty else { continue }
                let source: PhotoSource = part.filename == nil ? try .bytes(decodeBase64(bytes, field: part.name)) : .bytes(bytes)
                submission.photos[slot, default: []].append(source)
            } else if let slot = urlSlot(part.name) {
                guard let text = part.body.readString(length: part.body.readableBytes)?.trimmingCharacters(in: .whitespacesAndNewlines),
                      !text.isEmpty else { continue }
                submission.photos[slot, default: []].append(.url(try url(text, field: part.name)))
            } else if fieldNames.contains(part.name) {
                if submission.fields[part.name] == nil, let text = form.text(part.name) { submission.fields[part.name] = text }
            } else {
                throw unknownField(part.name, photoFields: multipartPhotoFields)
            }
        }
        return submission
    }

    /// From a JSON object: the same fields (numbers and booleans as such), photos as `image_url`,
    /// `image_base64`, `before_image_url`/`_base64`, `after_image_url`/`_base64`, and `images`: a list
    /// of URLs or of `{"url": …}` / `{"base64": …}`. Unknown keys are refused, naming them.
    package static func json(_ body: ByteBuffer) throws -> VideoSubmission {
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw APIError(.invalidRequest, "the body is not a JSON object")
        }
        var submission = VideoSubmission()
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if value is NSNull { continue }
            if fieldNames.contains(key) {
                submission.fields[key] = try scalarText(value, field: key)
            } else if let slot = urlSlot(key), key != "image_urls" {
                submission.photos[slot, default: []].append(.url(try url(try string(value, field: key), field: key)))
            } else if key.hasSuffix("_base64"), case let slot = String(key.dropLast("_base64".count)), ["image", "before_image", "after_image"].contains(slot) {
                submission.photos[slot, default: []].append(.bytes(try decodeBase64(try string(value, field: key).utf8, field: key)))
            } else if key == "images" || key == "image_urls" {
                guard let list = value as? [Any] else { throw APIError(.invalidRequest, "'\(key)' must be a list") }
                for (index, item) in list.enumerated() {
                    let field = "\(key)[\(index)]"
                    if let text = item as? String {
                        submission.photos["images", default: []].append(.url(try url(text, field: field)))
                    } else if let entry = item as? [String: Any], entry.count == 1, let text = entry["url"] as? String {
                        submission.photos["images", default: []].append(.url(try url(text, field: field)))
                    } else if let entry = item as? [String: Any], entry.count == 1, let text = entry["base64"] as? String {
                        submission.photos["images", default: []].append(.bytes(try decodeBase64(text.utf8, field: field)))
                    } else {
                        throw APIError(.invalidRequest, "'\(field)' must be a URL, {\"url\": …} or {\"base64\": …}")
                    }
                }
            } else {
                throw unknownField(key, photoFields: jsonPhotoFields)
            }
        }
        return submission
    }

    /// SHA-256 over the fields and photos, whatever form (JSON or multipart, key order, boundary)
    /// carried them: what an `Idempotency-Key` is bound to.
    package var fingerprint: String {
        var hasher = SHA256()
        func add(_ text: String) {
            hasher.update(data: Data(text.utf8))
            hasher.update(data: [0])
        }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            add("field:\(name)")
            add(value)
        }
        for (slot, sources) in photos.sorted(by: { $0.key < $1.key }) {
            for source in sources {
                switch source {
                case .bytes(let bytes): add("photo:\(slot):bytes:\(SHA256.hash(data: bytes).hexEncoded)")
                case .url(let url): add("photo:\(slot):url:\(url.absoluteString)")
                }
            }
        }
        return hasher.finalize().hexEncoded
    }

    /// The one refusal of a field the API does not have, for both body formats.
    static func unknownField(_ name: String, photoFields: Set<String>) -> APIError {
        APIError(.invalidRequest, "unknown field '\(name)'; the fields are \(fieldNames.union(photoFields).sorted().joined(separator: ", "))")
    }

    /// The fields that carry photos in a JSON body (`openapi.yaml`'s VideoRequestJSON, with `fieldNames`).
    static let jsonPhotoFields: Set<String> = [
        "image_url", "image_base64", "before_image_url", "before_image_base64", "after_image_url", "after_image_base64", "images", "image_urls",
    ]

    /// The parts that carry photos in a multipart body (`openapi.yaml`'s VideoRequestMultipart, with `fieldNames`).
    static let multipartPhotoFields: Set<String> = [
        "image", "before_image", "after_image", "images", "images[]", "image_base64", "before_image_base64", "after_image_base64",
        "image_url", "before_image_url", "after_image_url", "image_urls", "image_urls[]",
    ]

    private static func urlSlot(_ name: String) -> String? {
        switch name {
        case "image_url": "image"
        case "before_image_url": "before_image"
        case "after_image_url": "after_image"
        case "image_urls[]", "image_urls": "images"
        default: nil
        }
    }

    private static func scalarText(_ value: Any, field: String) throws -> String {
        switch value {
        case let text as String: return trimmed(text)
        // JSONSerialization gives booleans as NSNumber too; their Objective-C type is "c".
        case let number as NSNumber where String(cString: number.objCType) == "c": return number.boolValue ? "true" : "false"
        // One spelling per number (0.0 and 0, 5 and 5.0 alike), so that a body written again by
        // another JSON library keeps its fingerprint.
        case let number as NSNumber where number.doubleValue.rounded() == number.doubleValue && abs(number.doubleValue) < 9e15:
            return String(Int64(number.doubleValue))
        case let number as NSNumber: return "\(number.doubleValue)"
        default: throw APIError(.invalidRequest, "'\(field)' must be a string, a number or a boolean")
        }
    }

    private static func string(_ value: Any, field: String) throws -> String {
        guard let text = value as? String else { throw APIError(.invalidRequest, "'\(field)' must be a string") }
        return trimmed(text)
    }

    /// `text` without white space at either end. Most fields have none, and checking the two ends
    /// costs far less than Foundation's trimming, which showed in profiles of `POST /v1/videos`.
    static func trimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace
        else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func url(_ text: String, field: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw APIError(.invalidRequest, "'\(field)' must be an http or https URL")
        }
        return url
    }

    /// Base64 (standard or URL-safe, padding optional, whitespace ignored), with or without a
    /// `data:image/…;base64,` prefix.
    static func decodeBase64(_ bytes: some Collection<UInt8>, field: String) throws -> [UInt8] {
        guard let decoded = PhotoBase64.decode(bytes) else {
            throw APIError(.invalidImage, "'\(field)' is not a base64-encoded photo")
        }
        return decoded
    }
}
