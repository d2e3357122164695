import EventContracts
import EventRuntime


/// What billing needs of a `video.routed` event, read in place from its bytes. The payload itself
/// (`routed`) is kept encoded: `credits.debited` carries it on verbatim, so a debit never pays for
/// decoding and re-encoding the job spec it does not look at. The router wrote that payload with the
/// shared event encoder; provider-bridge decodes it in full.
struct DebitRequest: Sendable {
    let eventID: String
    let jobID: String
    let workspaceID: String
    let modelID: String
    let credits: Int64
    /// The `data` object of the `video.routed` envelope, as it came.
    let routed: [UInt8]

    init(_ event: IncomingEvent) throws {
        try self.init(json: event.json, header: event.header)
    }

    init(json: RawJSON, header: EventHeader) throws {
        guard header.type == .videoRouted else {
            throw RoomReelError(.invalidEvent, "expected a video.routed event, got \(header.type.rawValue)")
        }
        guard let data = try json.member(of: json.root, "data") else { throw RoomReelError(.invalidEvent, "video.routed has no data") }
        let fields = try json.members(of: data, ["request", "model_id", "credits"])
        guard let request = fields[0], let model = fields[1], let credits = fields[2] else {
            throw RoomReelError(.invalidEvent, "video.routed lacks request, model_id or credits")
        }
        let job = try json.members(of: request, ["job_id", "workspace_id"])
        guard let jobID = job[0], let workspaceID = job[1] else {
            throw RoomReelError(.invalidEvent, "video.routed's request lacks job_id or workspace_id")
        }
        self.eventID = header.id
        self.jobID = try json.string(jobID)
        self.workspaceID = try json.string(workspaceID)
        self.modelID = try json.string(model)
        self.credits = try json.int64(credits)
        guard self.credits >= 0 else { throw RoomReelError(.invalidEvent, "video.routed asks for \(self.credits) credits") }
        self.routed = Array(json.bytes[data])
    }

    /// The `credits.debited` payload for this job: `routed` passed on, with the ledger entry and the
    /// balance after. Keys in sorted order, as the shared encoder writes them.
    func debitedPayload(ledgerEntryID: String, balanceAfter: Int64, ledgerSequence: Int64, expiring: [CreditExpiry]) -> [UInt8] {
        var payload = JSONObjectWriter(capacity: routed.count + 128)
        payload.integer("balance_after", balanceAfter)
        payload.raw("expiring", CreditExpiry.json(expiring))
        payload.string("ledger_entry_id", ledgerEntryID)
        payload.integer("ledger_sequence", ledgerSequence)
        payload.raw("routed", routed)
        return payload.finish()
    }
}
