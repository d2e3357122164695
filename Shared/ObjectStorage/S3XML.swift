/// The little XML S3 answers with (`<UploadId>`, `<Error><Code>`, list entries), read by tag. S3's
/// answers are flat and machine-written, so a tag scan is enough; no XML library is linked for it.
enum S3XML {
    /// The text of every `<tag>…</tag>` in `xml`, entities decoded.
    static func values(_ tag: String, in xml: String) -> [String] {
        elements(tag, in: xml).map(unescape)
    }

    /// The raw inner XML of every `<tag>…</tag>` in `xml`.
    static func elements(_ tag: String, in xml: String) -> [String] {
        var found: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// Text made safe inside an element.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
