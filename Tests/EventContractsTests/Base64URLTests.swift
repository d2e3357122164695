import EventContracts
import Foundation
import Testing

@Suite("Base64url")
struct Base64URLTests {
    @Test("RFC 4648's vectors, the URL alphabet for bytes that standard base64 writes as + and /, and no padding")
    func encodes() {
        for (text, expected) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            #expect(Base64URL.encode(Data(text.utf8)) == expected)
            #expect(Base64URL.decode(expected) == Data(text.utf8))
        }
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == Data([0xfb, 0xff, 0xbf]))
    }

    @Test("padding, the standard alphabet and impossible lengths are refused")
    func refuses() {
        for text in ["Zg==", "+/+/", "Z", "Zm9v!"] {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
    }
}
