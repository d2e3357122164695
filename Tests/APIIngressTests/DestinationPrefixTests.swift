import Testing
@testable import APIIngress

@Suite("destination_prefix")
struct DestinationPrefixTests {
    @Test("folder paths are kept (slashes at the ends dropped)", arguments: [
        ("campaigns/spring", "campaigns/spring"), ("/acme/", "acme"), ("a.b_c-d/2026", "a.b_c-d/2026"),
    ])
    func accepted(text: String, expected: String) throws {
        #expect(try JobIntake.destinationPrefix(text) == expected)
    }

    @Test("escapes, empty segments, odd characters and overlong paths are refused", arguments: [
        "../other", "a/../b", "a//b", "./a", "a b", "a?b", "ä", "/", "", String(repeating: "x", count: 201), "1/2/3/4/5/6/7/8/9",
    ])
    func refused(text: String) {
        #expect(throws: APIError.self) { try JobIntake.destinationPrefix(text) }
    }
}
