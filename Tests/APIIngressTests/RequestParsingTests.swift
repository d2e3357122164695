@testable import APIIngress
import Hummingbird
import Testing

@Suite("The bearer credential")
struct BearerTokenTests {
    static func token(_ authorization: String?) -> String? {
        var head = HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/v1/videos")
        if let authorization { head.headerFields[.authorization] = authorization }
        return Request(head: head, body: .init(buffer: ByteBuffer())).bearerToken
    }

    @Test("the scheme is matched in any case and the token is trimmed of spaces and tabs; other schemes are no bearer token")
    func parsing() {
        #expect(Self.token("Bearer rr_abc") == "rr_abc")
        #expect(Self.token("bEaReR    rr_abc \t") == "rr_abc")
        #expect(Self.token("BEARER a.b.c") == "a.b.c")
        #expect(Self.token("Bearer  ") == nil)  // HTTP drops the trailing spaces: the field is just "Bearer"
        #expect(Self.token("Bearer") == nil)
        #expect(Self.token("Bearerrr_abc") == nil)
        #expect(Self.token("Basic cnI6YWJj") == nil)
        #expect(Self.token(nil) == nil)
    }
}

@Suite("Form text")
struct FormTextTests {
    @Test("text fields lose white space (Unicode too) at either end and keep it inside", arguments: [
        ("", ""), ("zoom_in", "zoom_in"), ("  zoom_in", "zoom_in"), ("zoom_in\n", "zoom_in"), ("\t a room \u{00A0}", "a room"),
        ("\u{2003}modern\u{3000}", "modern"), ("a  b", "a  b"), (" ", ""),
    ])
    func trimmed(_ text: String, expected: String) {
        #expect(VideoSubmission.trimmed(text) == expected)
    }
}
