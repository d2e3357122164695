@testable import Billing
import EventContracts
import Foundation
import Testing
import TestSupport

/// billing reads `video.routed` in place and writes `credits.debited` by hand; both are held here
/// to the events' one declaration, `VideoRouted` and `CreditsDebited`.
@Suite("The debit's hand-read request and hand-written payload")
struct DebitPayloadTests {
    @Test("DebitRequest reads a fully set video.routed as the decoder does, and its credits.debited is the encoder's bytes for the same event")
    func sameAsDeclaration() throws {
        let spec = VideoJobSpec(jobID: "job-\"1\"", workspaceID: "ws é", videoType: .productSpotlight, model: "kling-v3.0",
                                cameraMotion: .zoomIn, prompt: "a lamp\n", style: .modern, aspectRatio: .portrait, durationSeconds: 7.5,
                                destinationPrefix: "team/a", resolution: .p1080, framesPerSecond: 30, focus: FocusPoint(x: 0.25, y: 0.75),
                                reveal: .wipe, fallback: true, maxCredits: 40, price: 25)
        let routed = VideoRouted(request: spec, inputImageKeys: ["inputs/a.jpg", "inputs/b.png"], modelID: "kling-v3.0", provider: "kling", credits: 20,
                                 durationSeconds: 7.5, generatedSeconds: 10, requestedModel: "veo-2", routingReason: "veo-2 is unavailable")
        let expiring = [CreditExpiry(credits: 5, expiresAtMilliseconds: 1_800_000_000_000), CreditExpiry(credits: 7, expiresAtMilliseconds: 1_900_000_000_001)]
        let expected = CreditsDebited(routed: routed, ledgerEntryID: "debit:job-1", balanceAfter: -3, ledgerSequence: 9, expiring: expiring)
        #expect(ContractParity.unsetFields(expected) == [])

        let envelope = EventEnvelope(source: "model-router", subject: spec.jobID, workspaceID: spec.workspaceID, data: routed)
        let json = try RawJSON(envelope.encoded())
        let request = try DebitRequest(json: json, header: EventHeader.decode(json))
        #expect(request.jobID == spec.jobID && request.workspaceID == spec.workspaceID)
        #expect(request.modelID == routed.modelID && request.credits == routed.credits && request.eventID == envelope.id)

        let written = request.debitedPayload(ledgerEntryID: "debit:job-1", balanceAfter: -3, ledgerSequence: 9, expiring: expiring)
        #expect(String(decoding: written, as: UTF8.self) == (try ContractParity.encoded(expected)))
    }
}
