@testable import APIIngress
import Foundation
import Testing

@Suite("Photo base64")
struct PhotoBase64Tests {
    @Test("decodes what Foundation decodes, for every length and every byte, in both alphabets, padded or not, wrapped or not, as a data URL")
    func sameAsFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for length in Array(1...70) + [1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let standard = Data(bytes).base64EncodedString()
            let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            let wrapped = Data(bytes).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            for text in [standard, urlSafe, urlSafe.replacingOccurrences(of: "=", with: ""), wrapped, " \(standard)\n", "data:image/jpeg;base64,\(standard)"] {
                #expect(PhotoBase64.decode(text.utf8) == bytes, "\(length): \(text.prefix(40))")
            }
        }
    }

    @Test("refuses what is not base64: other characters, data after padding, too much padding, a lone character, nothing")
    func refusals() {
        for text in ["ab$d", "QUJD=QUJD", "QQ===", "QUJDR", "", "   ", "data:image/png;base64", "data:,"] {
            #expect(PhotoBase64.decode(text.utf8) == nil, "\(text)")
        }
    }
}
