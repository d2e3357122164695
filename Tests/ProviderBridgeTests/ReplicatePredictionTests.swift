import Foundation
@testable import ProviderBridge
import Testing

/// Replicate's prediction objects are read in place (`RawJSON`); they must come out as `JSONDecoder`
/// read them into the shape the client used before, and fail where it failed.
@Suite("Replicate prediction objects")
struct ReplicatePredictionTests {
    /// The client's former `Decodable` shape: the reference.
    struct Decoded: Decodable {
        var id: String
        var status: String
        var output: Output?
        var error: String?

        enum Output: Decodable {
            case url(String)
            case urls([String])
            case other

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let url = try? container.decode(String.self) {
                    self = .url(url)
                } else if let urls = try? container.decode([String].self) {
                    self = .urls(urls)
                } else {
                    self = .other
                }
            }

            var firstURL: String? {
                switch self {
                case .url(let url): url.isEmpty ? nil : url
                case .urls(let urls): urls.first { !$0.isEmpty }
                case .other: nil
                }
            }
        }
    }

    /// A completed webhook as Replicate documents it: every member of a prediction, most of them ignored.
    static let documented = #"""
        {"id":"gm3qorzdhgbfurvjtvhg6dckhu","model":"wavespeedai/wan-2.1-i2v-720p","version":"hidden",
         "input":{"image":"https://example.com/room.jpg","prompt":"a slow pan","num_frames":81,"aspect_ratio":"16:9"},
         "logs":"Using seed: 42\n100%|██████████| 30/30","output":"https:\/\/replicate.delivery\/xezq\/out.mp4",
         "data_removed":false,"error":null,"status":"succeeded","created_at":"2026-11-22T09:41:12.505Z",
         "started_at":"2026-11-22T09:41:13.1Z","completed_at":"2026-11-22T09:42:51.7Z",
         "urls":{"cancel":"https://api.replicate.com/v1/predictions/gm3q/cancel","get":"https://api.replicate.com/v1/predictions/gm3q",
                 "stream":null,"web":"https://replicate.com/p/gm3q"},
         "metrics":{"predict_time":98.6,"total_time":99.2}}
        """#

    static let bodies: [String] = [
        documented,
        #"{"id":"p1","status":"succeeded","output":["","https://a.example/1.mp4","https://a.example/2.mp4"],"error":null}"#,
        #"{"id":"p1","status":"succeeded","output":null}"#,
        #"{"id":"p1","status":"succeeded","output":""}"#,
        #"{"id":"p1","status":"succeeded","output":{"video":"https://a.example/v.mp4"}}"#,
        #"{"id":"p1","status":"succeeded","output":["https://a.example/v.mp4",3]}"#,
        #"{"id":"p1","status":"succeeded","output":[]}"#,
        #"{"status":"failed","error":"The input was flagged as sensitive (E005)","id":"p\u0032"}"#,
        #"{"id":"p1","status":"processing","output":null,"error":null,"id":"ignored second id"}"#,
        #"{"id":"p1","status":"canceled"}"#,
        #"  {"id":"p1","status":"starting"}  "#,
    ]

    static let unreadable: [String] = [
        #"{"id":"p1","status":"failed","error":{"detail":"boom"}}"#,
        #"{"status":"succeeded","output":"https://a.example/v.mp4"}"#,
        #"{"id":"p1"}"#,
        #"{"id":7,"status":"succeeded"}"#,
        #"["p1","succeeded"]"#,
        #"{"id":"p1","status":"succeeded""#,
        "not json",
        "",
    ]

    @Test("reads what JSONDecoder read", arguments: bodies)
    func sameAsDecoder(body: String) throws {
        let reference = try JSONDecoder().decode(Decoded.self, from: Data(body.utf8))
        let parsed = try ReplicateProvider.Prediction.parse(Data(body.utf8), what: "test")
        #expect(parsed == ReplicateProvider.Prediction(id: reference.id, status: reference.status, outputURL: reference.output?.firstURL,
                                                       error: reference.error))
    }

    @Test("refuses what JSONDecoder refused, as an unreadable answer", arguments: unreadable)
    func refusedLikeDecoder(body: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Decoded.self, from: Data(body.utf8)) }
        #expect(throws: ProviderCallError.self) { try ReplicateProvider.Prediction.parse(Data(body.utf8), what: "test") }
    }

    @Test("the documented webhook, a list of outputs, a refusal and a running prediction mean what they say")
    func progress() throws {
        let documented = try ReplicateProvider.Prediction.parse(Data(Self.documented.utf8), what: "test")
        #expect(documented.id == "gm3qorzdhgbfurvjtvhg6dckhu")
        #expect(documented.progress == .succeeded(outputURL: "https://replicate.delivery/xezq/out.mp4"))
        #expect(try ReplicateProvider.Prediction.parse(Data(Self.bodies[1].utf8), what: "test").progress
            == .succeeded(outputURL: "https://a.example/1.mp4"))
        let refused = try ReplicateProvider.Prediction.parse(Data(Self.bodies[7].utf8), what: "test")
        #expect(refused.id == "p2")
        guard case .failed(let error) = refused.progress else {
            Issue.record("a refusal is a failure, not \(refused.progress)")
            return
        }
        #expect(error.code == .contentRejected)
        #expect(try ReplicateProvider.Prediction.parse(Data(Self.bodies[8].utf8), what: "test").progress == .running(status: "processing"))
    }
}
