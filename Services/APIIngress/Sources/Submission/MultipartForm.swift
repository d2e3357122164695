import EventContracts
import Foundation
import MultipartKit
import NIOCore

/// A parsed `multipart/form-data` body: text fields and file parts by field name.
package struct MultipartForm {
    package struct Part {
        package var name: String
        package var filename: String?
        package var contentType: String?
        package var body: ByteBuffer
    }

    package var parts: [Part]

    /// The first text value of `name`, trimmed; nil when absent or blank.
    package func text(_ name: String) -> String? {
        guard var part = parts.first(where: { $0.name == name }) else { return nil }
        let value = part.body.readString(length: part.body.readableBytes)?.trimmingCharacters(in: .whitespacesAndNewlines)
        return value?.isEmpty == false ? value : nil
    }

    /// The first part named `name`.
    package func part(_ name: String) -> Part? {
        parts.first { $0.name == name }
    }

    /// Every part named one of `names`, in the order sent.
    package func parts(named names: Set<String>) -> [Part] {
        parts.filter { names.contains($0.name) }
    }

    /// The boundary parameter of a `multipart/form-data` content type, or nil for other types.
    package static func boundary(fromContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            let value = piece.dropFirst("boundary=".count).trimmingCharacters(in: ["\""])
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Parses `body` split by `boundary`.
    package static func parse(_ body: ByteBuffer, boundary: String) throws(RoomReelError) -> MultipartForm {
        // MultipartKit traps on a byte over 0x7F in a part's header name; such a body is refused
        // before it gets there.
        guard headerNamesAreASCII(body, boundary: boundary) else {
            throw RoomReelError(.invalidRequest, "the multipart body could not be parsed")
        }
        let collector = PartCollector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in collector.body.writeBuffer(&buffer) }
        parser.onPartComplete = { collector.finishPart() }
        do {
            try parser.execute(body)
        } catch {
            throw RoomReelError(.invalidRequest, "the multipart body could not be parsed")
        }
        return MultipartForm(parts: collector.parts)
    }

    /// Whether every header line after each `--boundary` has only ASCII before its colon (or in
    /// the whole line, without one). It looks at more places than the parser reads headers at.
    static func headerNamesAreASCII(_ body: ByteBuffer, boundary: String) -> Bool {
        let delimiter = Array("--\(boundary)".utf8)
        return body.withUnsafeReadableBytes { bytes in
            var index = 0
            while index + delimiter.count <= bytes.count {
                guard bytes[index] == delimiter[0], bytes[index..<index + delimiter.count].elementsEqual(delimiter) else {
                    index += 1
                    continue
                }
                index += delimiter.count
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                index += 1
                // The header lines, up to the empty line that ends them.
                while index < bytes.count, bytes[index] != UInt8(ascii: "\r"), bytes[index] != UInt8(ascii: "\n") {
                    var inName = true
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
                        if bytes[index] == UInt8(ascii: ":") { inName = false }
                        if inName, bytes[index] > 0x7F { return false }
                        index += 1
                    }
                    index += 1
                }
            }
            return true
        }
    }

    /// Gathers the parser's callbacks into parts (the parser is synchronous, so no sharing happens).
    private final class PartCollector {
        var headers: [(String, String)] = []
        var body = ByteBuffer()
        var parts: [Part] = []

        func finishPart() {
            let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
            let parameters = Self.parameters(of: disposition)
            if let name = parameters["name"] {
                parts.append(Part(name: name, filename: parameters["filename"],
                                  contentType: headers.first { $0.0 == "content-type" }?.1, body: body))
            }
            headers = []
            body = ByteBuffer()
        }

        /// `form-data; name="image"; filename="room.jpg"` → ["name": "image", "filename": "room.jpg"].
        static func parameters(of disposition: String) -> [String: String] {
            var result: [String: String] = [:]
            for piece in disposition.split(separator: ";").dropFirst() {
                let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                result[pair[0].lowercased()] = pair[1].trimmingCharacters(in: ["\""])
            }
            return result
        }
    }
}
