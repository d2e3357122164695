/// The parsers that read what clients, providers and the cluster send, each with a harness that
/// feeds it arbitrary bytes and checks what must hold whatever the input. `roomreel-fuzz` runs one
/// under libFuzzer (`Tests/Fuzz/run.sh`); `FuzzCorpusTests` replays the seed corpus and every
/// input that once broke a harness.
public enum FuzzHarness: String, CaseIterable, Sendable {
    case multipart
    case jsonBody = "json-body"
    case base64
    case image
    case webhookSignature = "webhook-signature"
    case eventEnvelope = "event-envelope"
    case rawJSON = "raw-json"

    /// Runs the harness on one input: returns, or throws what broke. A crash is a finding too.
    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        switch self {
        case .multipart: try MultipartHarness.run(input)
        case .jsonBody: try JSONBodyHarness.run(input)
        case .base64: try Base64Harness.run(input)
        case .image: try ImageHarness.run(input)
        case .webhookSignature: try WebhookSignatureHarness.run(input)
        case .eventEnvelope: try EventEnvelopeHarness.run(input)
        case .rawJSON: try RawJSONHarness.run(input)
        }
    }
}

/// An invariant a parser broke on some input.
public struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Throws `finding` unless `condition` holds.
func require(_ condition: Bool, _ finding: @autoclosure () -> String) throws(FuzzFinding) {
    if !condition { throw FuzzFinding(finding()) }
}

extension Array where Element == UInt8 {
    /// The input cut at its first `count` newlines: header-like lines, then the rest as the body.
    func lines(_ count: Int) -> (lines: [String], rest: ArraySlice<UInt8>) {
        var lines: [String] = []
        var rest = self[...]
        for _ in 0..<count {
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            lines.append(String(decoding: rest[..<end], as: UTF8.self))
            rest = end < rest.endIndex ? rest[(end + 1)...] : rest[end...]
        }
        return (lines, rest)
    }
}
