import EventContracts
import Foundation
@testable import ProviderBridge
import Testing
import TestSupport

/// The webhook path writes `video.generated` and `provider.outcome` by hand; they must be the bytes
/// the events' encoder writes, so consumers cannot tell them apart.
@Suite("Hand-written ending events")
struct FastEventTests {
    @Test("video.generated and provider.outcome match the encoder byte for byte",
          arguments: [(nil, nil, "https://replicate.delivery/a/out.mp4"),
                      ("acme/listings", "file:///data/renders/j.jpg", #"https://x.example/q?a="b"&c=\ é/"#)])
    func sameBytes(prefix: String?, poster: String?, output: String) throws {
        // The first case is a job routed before lengths were resolved (the request's length is delivered).
        let focus = prefix == nil ? nil : FocusPoint(x: 0.3, y: 0.7)
        let spec = VideoJobSpec(jobID: "job-1", workspaceID: "ws", videoType: nil, model: "m", cameraMotion: nil, prompt: "p", style: nil,
                                aspectRatio: prefix == nil ? .landscape : .portrait, durationSeconds: prefix == nil ? 5 : nil,
                                destinationPrefix: prefix, focus: focus)
        let routed = try EventCoding.encoder.encode(VideoRouted(request: spec, inputImageKeys: [], modelID: "wan2.1-i2v-720p",
                                                                provider: "replicate", credits: 12,
                                                                durationSeconds: prefix == nil ? nil : 4.5, generatedSeconds: prefix == nil ? nil : 5))
        let identity = PredictionIdentity(jobID: "job-1", workspaceID: "ws", provider: "replicate", modelID: "wan2.1-i2v-720p",
                                          predictionID: "p-1", routed: routed)
        let events = try identity.endingEvents(.generated(outputURL: output, posterURL: poster), time: Date())
        let generated = VideoGenerated(provider: "replicate", predictionID: "p-1", outputURL: output, destinationPrefix: prefix, posterURL: poster,
                                       aspectRatio: spec.aspectRatio, durationSeconds: prefix == nil ? 5 : 4.5, focus: focus)
        // The second case sets every field of video.generated, so that a field the writer leaves out shows in the bytes.
        if prefix != nil { #expect(ContractParity.unsetFields(generated) == []) }
        let expected = [
            Array(try EventCoding.encoder.encode(generated)),
            Array(try EventCoding.encoder.encode(ProviderOutcome.success(provider: "replicate", modelID: "wan2.1-i2v-720p"))),
        ]
        #expect(events.map(\.type) == [.videoGenerated, .providerOutcome])
        for (event, data) in zip(events, expected) {
            // The envelope opens with its data member: {"data":<payload>,"id":…
            let prefixBytes = Array(#"{"data":"#.utf8)
            #expect(Array(event.bytes.prefix(prefixBytes.count)) == prefixBytes)
            let payload = Array(event.bytes.dropFirst(prefixBytes.count).prefix(data.count))
            #expect(payload == data, "\(String(decoding: payload, as: UTF8.self)) vs \(String(decoding: data, as: UTF8.self))")
            #expect(event.bytes[prefixBytes.count + data.count] == UInt8(ascii: ","))
        }
    }
}
