import EventContracts

/// An event as a consumer reads it off the cluster: the header in place (`RawJSON`), then the
/// whole envelope of that type with `JSONDecoder`. The two readings agree, and a decoded envelope
/// survives encoding and decoding again.
enum EventEnvelopeHarness {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        guard let header = try? EventHeader.decode(input) else { return }
        switch header.type {
        case .videoRequested: try check(VideoRequested.self, input, header)
        case .videoRouted: try check(VideoRouted.self, input, header)
        case .creditsDebited: try check(CreditsDebited.self, input, header)
        case .creditsRejected: try check(CreditsRejected.self, input, header)
        case .videoSubmitted: try check(VideoSubmitted.self, input, header)
        case .videoProgress: try check(VideoProgress.self, input, header)
        case .videoGenerated: try check(VideoGenerated.self, input, header)
        case .videoFailed: try check(VideoFailed.self, input, header)
        case .videoStored: try check(VideoStored.self, input, header)
        case .providerOutcome: try check(ProviderOutcome.self, input, header)
        case .creditsGrantRequested: try check(CreditsGrantRequested.self, input, header)
        case .creditsGranted: try check(CreditsGranted.self, input, header)
        case .providersAnnounced: try check(ProvidersAnnounced.self, input, header)
        case .providerWebhook: try check(ProviderWebhookReceived.self, input, header)
        }
    }

    private static func check<Payload: EventPayload>(_ type: Payload.Type, _ input: [UInt8], _ header: EventHeader) throws(FuzzFinding) {
        guard let envelope = try? EventEnvelope<Payload>.decode(input, header: header) else { return }
        let read = (envelope.id, envelope.source, envelope.time, envelope.subject, envelope.workspaceID)
        try require(read == (header.id, header.source, header.time, header.subject, header.workspaceID),
                    "the header read in place \(header) differs from JSONDecoder's \(read)")
        guard let encoded = try? envelope.encoded() else { throw FuzzFinding("a decoded \(Payload.eventType.rawValue) envelope does not encode") }
        guard let again = try? EventEnvelope<Payload>.decode(encoded) else {
            throw FuzzFinding("an encoded envelope does not decode: \(String(decoding: encoded, as: UTF8.self))")
        }
        try require(again == envelope, "the envelope changed through encoding: \(String(decoding: encoded, as: UTF8.self))")
    }
}
