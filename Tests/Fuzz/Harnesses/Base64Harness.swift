import APIIngress
import Foundation

/// Photos in base64. Arbitrary text decodes or is refused; what decodes encodes back to the same
/// bytes; and the input's bytes, encoded in any of the forms clients use, decode to themselves.
enum Base64Harness {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        if let decoded = PhotoBase64.decode(input) {
            let encoded = Data(decoded).base64EncodedString()
            try require(PhotoBase64.decode(Array(encoded.utf8)) == decoded, "decoded bytes do not survive encoding again")
        }
        guard let style = input.first, input.count > 1 else { return }
        let bytes = Array(input.dropFirst())
        var text = Data(bytes).base64EncodedString(options: style & 1 == 0 ? [] : [.lineLength64Characters])
        if style & 2 != 0 { text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") }
        if style & 4 != 0 { text = String(text.prefix { $0 != "=" }) }
        if style & 8 != 0 { text = "data:image/jpeg;base64," + text }
        try require(PhotoBase64.decode(Array(text.utf8)) == bytes, "\(bytes.count) bytes in style \(style) do not decode to themselves: \(text.prefix(80))")
    }
}
