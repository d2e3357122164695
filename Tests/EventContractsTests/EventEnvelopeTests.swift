import EventContracts
import Foundation
import Testing
import TestSupport

@Suite("Event envelope")
struct EventEnvelopeTests {
    @Test("round-trips through its JSON encoding with every field intact")
    func roundTrip() throws {
        let routed = VideoRouted(request: sampleSpec(jobID: "job-1"), inputImageKeys: ["inputs/job-1/0.jpg"],
                                 modelID: "local-camera-motion", provider: "local", credits: 1)
        let envelope = EventEnvelope(source: "model-router", subject: "job-1", workspaceID: "ws-test", data: routed)
        let decoded = try EventEnvelope<VideoRouted>.decode(envelope.encoded())
        #expect(decoded == envelope)
        #expect(decoded.type == .videoRouted)
        #expect(decoded.specversion == "1.0")
    }

    @Test("uses snake_case wire names and ISO 8601 times with fractional seconds")
    func wireFormat() throws {
        let time = Date(timeIntervalSince1970: 1_790_000_000.25)
        let envelope = EventEnvelope(id: "e-1", source: "billing", subject: "job-1", workspaceID: "ws-test", time: time,
                                     data: CreditsRejected(required: 5, balance: 2))
        let json = try #require(JSONSerialization.jsonObject(with: Data(envelope.encoded())) as? [String: Any])
        #expect(json["workspace_id"] as? String == "ws-test")
        #expect(json["type"] as? String == "credits.rejected")
        #expect((json["time"] as? String)?.hasSuffix(".250Z") == true)
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["required"] as? Int == 5)
    }

    @Test("refuses to decode an event as the wrong type")
    func typeMismatch() throws {
        let envelope = EventEnvelope(source: "billing", subject: "job-1", workspaceID: "ws-test",
                                     data: CreditsRejected(required: 5, balance: 2))
        #expect(throws: RoomReelError.self) {
            _ = try EventEnvelope<VideoSubmitted>.decode(try envelope.encoded())
        }
    }

    @Test("exposes its header without knowing the payload type")
    func header() throws {
        let envelope = EventEnvelope(source: "provider-bridge", subject: "job-9", workspaceID: "acme",
                                     data: VideoSubmitted(provider: "local", predictionID: "local-job-9"))
        let header = try EventHeader.decode(envelope.encoded())
        #expect(header.id == envelope.id)
        #expect(header.type == .videoSubmitted)
        #expect(header.subject == "job-9")
        #expect(header.workspaceID == "acme")
    }

    @Test("rejects bytes that are not an envelope")
    func garbage() {
        #expect(throws: (any Error).self) { _ = try EventHeader.decode(Array("not json".utf8)) }
        #expect(throws: (any Error).self) { _ = try EventHeader.decode(Array(#"{"id":"x","type":"video.exploded"}"#.utf8)) }
    }
}
