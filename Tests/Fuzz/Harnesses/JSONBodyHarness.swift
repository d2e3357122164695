import APIIngress
import Foundation
import Hummingbird

/// A JSON `POST /v1/videos` body. An accepted body keeps its fingerprint (what an `Idempotency-Key`
/// is bound to) when it is written again with other key order and spacing.
enum JSONBodyHarness {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        guard let submission = try? VideoSubmission.json(ByteBuffer(bytes: input)) else { return }
        guard let object = try? JSONSerialization.jsonObject(with: Data(input)),
              let rewritten = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        else { throw FuzzFinding("an accepted body that JSONSerialization cannot read or write again") }
        guard let again = try? VideoSubmission.json(ByteBuffer(bytes: rewritten)) else {
            throw FuzzFinding("the body, written again, is refused: \(String(decoding: rewritten, as: UTF8.self))")
        }
        try require(again.fingerprint == submission.fingerprint, "the fingerprint changed when the body was written again")
    }
}
