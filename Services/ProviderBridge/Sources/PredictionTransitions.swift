import EventContracts
import EventRuntime
import Foundation
import GRDB

/// How a generation ended, as the bridge records it.
enum GenerationResult: Sendable, Equatable {
    case generated(outputURL: String, posterURL: String?)
    case failed(RoomReelError, stage: String)

    /// What the prediction's row holds once this result ends it.
    var terminalColumns: (status: PredictionRecord.Status, outputURL: String?, errorCode: String?, errorMessage: String?) {
        switch self {
        case .generated(let outputURL, _): (.succeeded, outputURL, nil, nil)
        case .failed(let error, _): (.failed, nil, error.code.rawValue, error.message)
        }
    }
}

/// The prediction's moves between states, each with the events it announces, written in the caller's
/// transaction (with the inbox row or webhook receipt that caused it): a state and its events are
/// committed together or not at all.
extension PredictionRecord {
    /// The provider accepted the job: records its id and announces `video.submitted`. Only a pending
    /// prediction moves; returns whether it did.
    @discardableResult
    mutating func markSubmitted(predictionID: String, nextCheckAt: Date?, now: Date, in db: Database) throws -> Bool {
        guard status == .pending else { return false }
        self.predictionID = predictionID
        status = .submitted
        submitAttempts += 1
        self.nextCheckAt = nextCheckAt
        updatedAt = now
        try update(db)
        try Outbox.enqueue(EventEnvelope(
            source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
            data: VideoSubmitted(provider: provider, predictionID: predictionID)), in: db)
        return true
    }

    /// Ends the generation: `video.generated` or `video.failed`, and `provider.outcome` for the
    /// routers' circuit breakers. A prediction already terminal stays as it is; returns whether this
    /// call ended it.
    @discardableResult
    mutating func finish(_ result: GenerationResult, now: Date, in db: Database) throws -> Bool {
        guard !status.isTerminal else { return false }
        let events = try endingEvents(result, time: now)
        let columns = result.terminalColumns
        updatedAt = now
        nextCheckAt = nil
        providerStatus = nil
        status = columns.status
        outputURL = columns.outputURL ?? outputURL
        errorCode = columns.errorCode ?? errorCode
        errorMessage = columns.errorMessage ?? errorMessage
        try update(db)
        for event in events { try Outbox.enqueue(event, in: db) }
        return true
    }

    /// `finish` for the webhook path's common case, the submitted job with `predictionID`: the same
    /// columns and events, in one cached statement that changes the row and hands back what the
    /// events name (`RETURNING`), instead of a read and a record round trip. False when no submitted
    /// job has that prediction (unknown, pending or ended); nothing is written then.
    static func finishSubmitted(predictionID: String, provider: String, _ result: GenerationResult, now: Date,
                                in db: Database) throws -> Bool {
        let columns = result.terminalColumns
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            UPDATE predictions SET status = ?, output_url = ?, error_code = ?, error_message = ?, provider_status = NULL,
                                   next_check_at = NULL, updated_at = ?
            WHERE prediction_id = ? AND provider = ? AND status = 'submitted'
            RETURNING job_id, workspace_id, model_id, routed
            """), arguments: [columns.status.rawValue, columns.outputURL, columns.errorCode, columns.errorMessage, DatabaseTime.value(now),
                              predictionID, provider])
        else { return false }
        let identity = PredictionIdentity(jobID: row[0], workspaceID: row[1], provider: provider, modelID: row[2], predictionID: predictionID,
                                          routed: row[3])
        for event in try identity.endingEvents(result, time: now) { try Outbox.enqueue(event, in: db) }
        return true
    }

    /// The events that announce `result`, encoded, with `time` as theirs.
    func endingEvents(_ result: GenerationResult, time: Date) throws -> [EncodedEvent] {
        try PredictionIdentity(jobID: jobID, workspaceID: workspaceID, provider: provider, modelID: modelID, predictionID: predictionID,
                               routed: routed).endingEvents(result, time: time)
    }

    /// A call to the provider failed in a way its health depends on (credentials refused) while the
    /// job itself goes on: `provider.outcome` alone.
    func reportProviderFailure(_ error: RoomReelError, in db: Database) throws {
        try Outbox.enqueue(EventEnvelope(
            source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
            data: ProviderOutcome.failure(provider: provider, modelID: modelID, error: error)), in: db)
    }
}

/// What the events about a prediction name: enough to announce its end without the whole record
/// (the webhook path reads just these columns).
struct PredictionIdentity {
    var jobID: String
    var workspaceID: String
    var provider: String
    var modelID: String
    var predictionID: String
    /// The routed job's JSON, read only for what `video.generated` carries on (`delivery(in:)`).
    var routed: Data

    /// `video.generated` or `video.failed`, then `provider.outcome`, both at `time`.
    func endingEvents(_ result: GenerationResult, time: Date) throws -> [EncodedEvent] {
        let outcome: ProviderOutcome
        let announcement: EncodedEvent
        switch result {
        case .generated(let outputURL, let posterURL):
            // Every finished generation passes here: both payloads are written directly, key by key in
            // the encoder's sorted order (`FastEventTests` holds them to the encoder's bytes).
            var generated = JSONObjectWriter(capacity: 320)
            let delivery = Self.delivery(in: routed)
            if let ratio = delivery.aspectRatio { generated.raw("aspect_ratio", ratio) }
            if let prefix = delivery.destinationPrefix { generated.string("destination_prefix", prefix) }
            if let seconds = delivery.durationSeconds { generated.raw("duration_seconds", seconds) }
            if let focus = delivery.focus { generated.raw("focus", focus) }
            generated.string("output_url", outputURL)
            if let posterURL { generated.string("poster_url", posterURL) }
            generated.string("prediction_id", predictionID)
            generated.string("provider", provider)
            var success = JSONObjectWriter(capacity: 96)
            success.string("model_id", modelID)
            success.string("provider", provider)
            success.raw("succeeded", "true".utf8)
            return [EncodedEvent(type: .videoGenerated, source: "provider-bridge", subject: jobID, workspaceID: workspaceID, time: time,
                                 data: generated.finish()),
                    EncodedEvent(type: .providerOutcome, source: "provider-bridge", subject: jobID, workspaceID: workspaceID, time: time,
                                 data: success.finish())]
        case .failed(let error, let stage):
            announcement = try event(.videoFailed, VideoFailed(stage: stage, code: error.code, message: error.message), time: time)
            // The routers' circuit breakers count this against the provider (they ignore refusals
            // of content and bad input).
            outcome = .failure(provider: provider, modelID: modelID, error: error)
        }
        return [announcement, try event(.providerOutcome, outcome, time: time)]
    }

    private func event(_ type: EventType, _ payload: some Encodable, time: Date) throws -> EncodedEvent {
        EncodedEvent(type: type, source: "provider-bridge", subject: jobID, workspaceID: workspaceID, time: time,
                     data: Array(try EventCoding.encoder.encode(payload)))
    }

    /// What `video.generated` carries on from the routed job, read in place in one pass: the
    /// request's `aspect_ratio`, `focus` and `destination_prefix`, and the routed `duration_seconds`
    /// (the request's for jobs routed without one). Numbers, the ratio and the focus are passed on as
    /// the encoder wrote them; the prefix is decoded, so that the writer escapes it as the encoder does.
    static func delivery(in routed: Data) -> (aspectRatio: ArraySlice<UInt8>?, durationSeconds: ArraySlice<UInt8>?, focus: ArraySlice<UInt8>?,
                                              destinationPrefix: String?) {
        guard let json = try? RawJSON(Array(routed)),
              let members = try? json.members(of: json.root, ["request", "duration_seconds"]),
              let request = members[0],
              let fields = try? json.members(of: request, ["aspect_ratio", "duration_seconds", "focus", "destination_prefix"])
        else { return (nil, nil, nil, nil) }
        let slice = { (range: Range<Int>?) in range.map { json.bytes[$0] } }
        let prefix = fields[3].flatMap { json.isString($0) ? try? json.string($0) : nil }
        return (slice(fields[0]), slice(members[1] ?? fields[1]), slice(fields[2]), prefix)
    }
}
