@testable import EventContracts
import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

/// The hand-written hot paths (RawJSON, JSONText, EncodedEvent, CivilTime, DatabaseTime, EventID) must
/// agree with the Foundation and GRDB code they stand in for: each is checked against it here.
@Suite("Fast event coding agrees with Foundation")
struct FastCodingTests {
    /// Strings that exercise every escaping rule: quotes, backslashes, slashes, each control
    /// character, DEL, multi-byte UTF-8, astral-plane characters, U+2028.
    static let awkwardStrings: [String] = {
        var strings = ["", "plain", "a\"quote", "back\\slash", "a/slash", "tab\tnew\nline\r", "é ü 日本 🎬", "\u{7F}", "\u{2028}\u{2029}"]
        strings += (0..<0x20).map { "x\(Character(Unicode.Scalar(UInt8($0))))y" }
        return strings
    }()

    @Test("JSONText writes strings exactly as JSONEncoder does, with and without escaped slashes")
    func stringsMatchEncoder() throws {
        let escaping = JSONEncoder()
        let unescaping = JSONEncoder()
        unescaping.outputFormatting = .withoutEscapingSlashes
        for text in Self.awkwardStrings {
            for (encoder, escapingSlashes) in [(escaping, true), (unescaping, false)] {
                var bytes: [UInt8] = []
                JSONText.appendString(text, to: &bytes, escapingSlashes: escapingSlashes)
                #expect(bytes == Array(try encoder.encode([text]).dropFirst().dropLast()), "for \(text.debugDescription)")
            }
        }
    }

    @Test("RawJSON reads back every awkward string, escaped by JSONEncoder or with \\u escapes and surrogate pairs")
    func rawStrings() throws {
        for text in Self.awkwardStrings {
            let encoded = Array(try JSONEncoder().encode(["k": text]))
            let json = try RawJSON(encoded)
            #expect(try json.string(#require(try json.member(of: json.root, "k"))) == text)
        }
        let escaped = try RawJSON(Array(#"{"k":"\u0041\u00e9\ud83c\udfac\/\b"}"#.utf8))
        #expect(try escaped.string(#require(try escaped.member(of: escaped.root, "k"))) == "Aé🎬/\u{08}")
        let escapedKey = try RawJSON(Array(#"{"\u006b":1}"#.utf8))
        #expect(try escapedKey.int64(#require(try escapedKey.member(of: escapedKey.root, "k"))) == 1)
    }

    @Test("RawJSON finds members at any depth as JSONDecoder sees them; the first of a repeated key wins")
    func members() throws {
        let document = Array(#" { "a" : [1, {"b": null}, -2.5e+3] , "n": {"deep": {"x": "y"}, "int": -9223372036854775808}, "a": true } "#.utf8)
        let json = try RawJSON(document)
        let fields = try json.members(of: json.root, ["a", "n", "missing"])
        #expect(fields[2] == nil)
        #expect(Array(document[try #require(fields[0])]) == Array(#"[1, {"b": null}, -2.5e+3]"#.utf8))
        let nested = try #require(fields[1])
        let deep = try #require(try json.member(of: nested, "deep"))
        #expect(try json.string(#require(try json.member(of: deep, "x"))) == "y")
        #expect(try json.int64(#require(try json.member(of: nested, "int"))) == .min)
        struct Decoded: Decodable { let a: [JSONScalar] }
        enum JSONScalar: Decodable {
            case number(Double), other
            init(from decoder: any Decoder) throws {
                self = (try? decoder.singleValueContainer().decode(Double.self)).map(JSONScalar.number) ?? .other
            }
        }
        #expect(try JSONDecoder().decode(Decoded.self, from: Data(document)).a.count == 3)
    }

    @Test("RawJSON lists an array's elements in order, nested ones whole, and tells strings and nulls by their first byte")
    func elements() throws {
        let document = Array(#"{"list": [ 1 , "two\"", {"b": [2, 3]}, [], null ], "empty": [], "text": "x"}"#.utf8)
        let json = try RawJSON(document)
        let fields = try json.members(of: json.root, ["list", "empty", "text"])
        let items = try json.elements(of: try #require(fields[0]))
        #expect(items.map { String(decoding: document[$0], as: UTF8.self) } == ["1", #""two\"""#, #"{"b": [2, 3]}"#, "[]", "null"])
        #expect(items.map(json.isString) == [false, true, false, false, false])
        #expect(items.map(json.isNull) == [false, false, false, false, true])
        #expect(try json.elements(of: try #require(fields[1])).isEmpty)
        #expect(throws: RawJSONError.self) { _ = try json.elements(of: try #require(fields[2])) }
    }

    @Test("RawJSON refuses malformed JSON (trailing commas too, which Foundation lets through)", arguments: [
        "", "{", "}", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{\"a\":1} x", "{'a':1}", "{\"a\":01}", "{\"a\":1.}",
        "{\"a\":.5}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"unterminated}", "{\"a\":\"bad \\q escape\"}",
        "{\"a\":\"bad \\u12 escape\"}", "{\"a\":\"raw \u{01} control\"}", "{a:1}", "[1 2]", "{\"a\":1 \"b\":2}",
    ])
    func refusesMalformed(_ text: String) {
        #expect(throws: RawJSONError.self) { _ = try RawJSON(Array(text.utf8)) }
    }

    @Test("RawJSON refuses nesting deeper than 64, invalid UTF-8, lone surrogates and integers out of range")
    func refusesHostile() throws {
        #expect(throws: RawJSONError.self) { _ = try RawJSON(Array(String(repeating: "[", count: 100_000).utf8)) }
        // Refused when the document is checked, as JSONDecoder refuses it (found by the raw-json fuzz harness).
        #expect(throws: RawJSONError.self) { _ = try RawJSON([UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]) }
        #expect(throws: RawJSONError.self) { _ = try RawJSON(Array(#""\ud83c x""#.utf8)) }
        #expect(throws: RawJSONError.self) { _ = try RawJSON(Array(#""\ude00""#.utf8)) }
        let big = try RawJSON(Array("9223372036854775808".utf8))
        #expect(throws: RawJSONError.self) { _ = try big.int64(big.root) }
        let fraction = try RawJSON(Array("1.5".utf8))
        #expect(throws: RawJSONError.self) { _ = try fraction.int64(fraction.root) }
    }

    @Test("event times format like ISO8601FormatStyle since the Gregorian reform, leap days and pre-1970 instants included, and parse back exactly")
    func times() throws {
        var random = SystemRandomNumberGenerator()
        let fixed: [Int64] = [0, -1, 951_782_400_000, 951_868_799_999, 4_107_542_399_999, -62_135_596_800_000, 253_402_300_799_999, 1_795_000_000_123]
        let milliseconds = fixed + (0..<2_000).map { _ in Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &random) }
        for value in milliseconds {
            let date = Date(timeIntervalSince1970: Double(value) / 1000)
            let text = EventCoding.format(date)
            let seconds = value >= 0 ? value / 1000 : (value - 999) / 1000
            let reference = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
            // Foundation's calendar turns Julian before October 1582; ISO 8601 (and CivilTime) stays Gregorian.
            if value >= -12_219_292_800_000 {
                #expect(text.prefix(19) == reference.prefix(19), "for \(value) ms")
            }
            #expect(text.hasSuffix("Z") && text.count == 24)
            let parsed = try #require(EventCoding.parse(text))
            #expect(Int64((parsed.timeIntervalSince1970 * 1000).rounded()) == value, "round trip of \(text)")
        }
        // The fast path takes only real dates in its own shape; anything else is the system parser's call.
        func fastPath(_ text: String) -> Int64? {
            var text = text
            return text.withUTF8 { CivilTime.milliseconds(parsing: $0, separator: "T", suffix: "Z") }
        }
        #expect(fastPath("2024-02-29T23:59:59.999Z") != nil)
        #expect(fastPath("2023-02-29T00:00:00.000Z") == nil)
        #expect(fastPath("2026-11-22T24:00:00.000Z") == nil)
        #expect(fastPath("2026-11-22T21:41:26Z") == nil)
        #expect(EventCoding.parse("2026-11-22T21:41:26Z") == EventCoding.parse("2026-11-22T21:41:26.000Z"))
    }

    @Test("row times are the text GRDB writes for the same instant, and read back as it")
    func databaseTimes() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &random)) / 1000)
            #expect(DatabaseTime.value(date) == date.databaseValue)
            let readBack = try #require(Date.fromDatabaseValue(DatabaseTime.value(date)))
            #expect((readBack.timeIntervalSince1970 * 1000).rounded() == (date.timeIntervalSince1970 * 1000).rounded())
        }
    }

    @Test("a video.requested written by hand is byte for byte the envelope the encoder writes, for sparse and fully set specs and awkward strings")
    func videoRequested() throws {
        for (round, text) in Self.awkwardStrings.enumerated() {
            var spec = sampleSpec(jobID: "job/\(text)", workspaceID: "ws \(text)")
            if round % 2 == 1 {
                spec.model = "kling-v3.0"
                spec.prompt = "a room \(text)"
                spec.style = DesignStyle.allCases[round % DesignStyle.allCases.count]
                spec.maxCredits = Int64(round * 7 + 1)
                spec.price = Int64(round * 3 + 2)
                spec.destinationPrefix = "team/\(text)"
                spec.resolution = Resolution.allCases[round % Resolution.allCases.count]
                spec.framesPerSecond = 24 + round
                spec.focus = FocusPoint(x: 0.25 + Double(round) / 100, y: 1.0 / 3)
                spec.reveal = RevealStyle.allCases[round % RevealStyle.allCases.count]
                spec.fallback = round % 4 == 1
                spec.videoType = VideoType.allCases[round % VideoType.allCases.count]
                spec.cameraMotion = CameraMotion.allCases[round % CameraMotion.allCases.count]
                spec.durationSeconds = [2.5, 7.25, 10, 0.1][round % 4]
            }
            let payload = VideoRequested(request: spec, inputImageKeys: (0..<(round % 3)).map { "inputs/\($0)/\(text).jpg" })
            // The full rounds set every field, so that a field the writer leaves out shows in the bytes.
            if round % 2 == 1 { #expect(ContractParity.unsetFields(payload) == []) }
            let expected = EventEnvelope(source: "api-ingress", subject: spec.jobID, workspaceID: spec.workspaceID, data: payload)
            let written = EncodedEvent(id: expected.id, type: .videoRequested, source: "api-ingress", subject: spec.jobID,
                                       workspaceID: spec.workspaceID, time: expected.time, data: payload.json)
            #expect(String(decoding: written.bytes, as: UTF8.self) == String(decoding: try expected.encoded(), as: UTF8.self))
        }
    }

    @Test("an EncodedEvent is byte for byte the envelope EventEnvelope.encoded() writes, and decodes to it")
    func encodedEvent() throws {
        for (round, text) in Self.awkwardStrings.enumerated() {
            let expiring = (0..<(round % 3)).map { CreditExpiry(credits: Int64($0 + 1) * 10, expiresAtMilliseconds: 1_800_000_000_000 + Int64($0)) }
            let spec = sampleSpec(jobID: "job/\(text)", workspaceID: "ws \(text)")
            let routed = EventEnvelope(source: "model-router", subject: spec.jobID, workspaceID: spec.workspaceID,
                                       data: VideoRouted(request: spec, inputImageKeys: ["a/\(text)"], modelID: "m", provider: "local", credits: 3))
            let expected = EventEnvelope(source: "billing", subject: spec.jobID, workspaceID: spec.workspaceID,
                                         data: CreditsDebited(routed: routed.data, ledgerEntryID: "debit:\(spec.jobID)", balanceAfter: -7,
                                                              ledgerSequence: 12, expiring: expiring))
            let json = try RawJSON(routed.encoded())
            var payload = JSONObjectWriter()
            payload.integer("balance_after", -7)
            payload.raw("expiring", CreditExpiry.json(expiring))
            payload.string("ledger_entry_id", "debit:\(spec.jobID)")
            payload.integer("ledger_sequence", 12)
            payload.raw("routed", json.bytes[try #require(try json.member(of: json.root, "data"))])
            let event = EncodedEvent(id: expected.id, type: .creditsDebited, source: "billing", subject: spec.jobID,
                                     workspaceID: spec.workspaceID, time: expected.time, data: payload.finish())
            #expect(event.bytes == (try expected.encoded()))
            #expect(try EventEnvelope<CreditsDebited>.decode(event.bytes) == expected)
        }
    }

    @Test("the header read in place equals the one JSONDecoder reads")
    func header() throws {
        for text in Self.awkwardStrings {
            let envelope = EventEnvelope(id: "id-\(text)", source: "s\(text)", subject: "j\(text)", workspaceID: "w\(text)",
                                         data: VideoRequested(request: sampleSpec(), inputImageKeys: []))
            let bytes = try envelope.encoded()
            #expect(try EventHeader.decode(bytes) == EventCoding.decoder.decode(EventHeader.self, from: Data(bytes)))
        }
    }

    @Test("event ids are lower-case RFC 9562 version 8 UUIDs, distinct and parseable")
    func eventIDs() throws {
        let ids = (0..<10_000).map { _ in EventID.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            #expect(uuid.uuid.6 >> 4 == 8)
            #expect(uuid.uuid.8 >> 6 == 0b10)
        }
    }
}
