import Foundation
import Hummingbird

/// A compatibility API's request body, JSON or multipart/form-data, as texts and files by field name.
/// JSON lists stay lists and nested objects are spelled the way form encoders flatten them
/// (`input_reference[image_url]`), so an adapter reads both formats one way.
struct CompatForm {
    private(set) var texts: [String: String] = [:]
    private(set) var lists: [String: [String]] = [:]
    private(set) var files: [String: [UInt8]] = [:]

    func text(_ name: String) -> String? { texts[name] }
    func list(_ name: String) -> [String]? { lists[name] }
    func file(_ name: String) -> [UInt8]? { files[name] }
    var fieldNames: Set<String> { Set(texts.keys).union(lists.keys).union(files.keys) }

    static func read(_ request: Request, limit: Int) async throws -> CompatForm {
        let contentType = request.headers[.contentType] ?? ""
        var form = CompatForm()
        if let boundary = MultipartForm.boundary(fromContentType: contentType) {
            for var part in try MultipartForm.parse(try await request.body.collect(upTo: limit), boundary: boundary).parts {
                let bytes = part.body.readBytes(length: part.body.readableBytes) ?? []
                if part.filename != nil {
                    if !bytes.isEmpty { form.files[part.name] = bytes }
                } else if part.name.hasSuffix("[]") {
                    form.lists[String(part.name.dropLast(2)), default: []].append(String(decoding: bytes, as: UTF8.self))
                } else {
                    let text = VideoSubmission.trimmed(String(decoding: bytes, as: UTF8.self))
                    if !text.isEmpty { form.texts[part.name] = text }
                }
            }
        } else if contentType.lowercased().hasPrefix("application/json") || contentType.isEmpty {
            for (key, value) in try await CompatJSON.object(request, limit: limit) {
                try form.add(key, value)
            }
        } else {
            throw APIError(.invalidRequest, "send the request as application/json or multipart/form-data")
        }
        return form
    }

    private mutating func add(_ key: String, _ value: Any) throws {
        switch value {
        case is NSNull: break
        case let list as [Any]: lists[key] = try list.map { item in
            guard let text = try CompatJSON.text(["item": item], "item") else { throw APIError(.invalidRequest, "'\(key)' must be a list of strings") }
            return text
        }
        case let object as [String: Any]: for (inner, value) in object { try add("\(key)[\(inner)]", value) }
        default: if let text = try CompatJSON.text([key: value], key) { texts[key] = text }
        }
    }
}
