import EventContracts

/// One consumed event, as a handler sees it: the decoded header, the envelope as a checked JSON
/// document (its bytes as they came), and the inbox transaction through which the handler commits
/// its effect.
public struct IncomingEvent: Sendable {
    public let header: EventHeader
    /// The envelope, checked once: handlers that need a few fields read them here in place.
    public let json: RawJSON
    public let inbox: InboxTransaction

    /// The envelope's bytes, as they came off the wire.
    public var bytes: [UInt8] { json.bytes }

    /// Checks `bytes` and decodes the envelope's header; throws for a malformed or unknown event.
    public init(bytes: [UInt8], database: ServiceDatabase) throws {
        json = try RawJSON(bytes)
        header = try EventHeader.decode(json)
        inbox = InboxTransaction(database: database, header: header)
    }

    /// Decodes the whole envelope with its typed payload, checking the already-decoded header's type
    /// first (so the bytes are parsed once more, not twice).
    public func decode<Payload: EventPayload>(_: Payload.Type) throws -> EventEnvelope<Payload> {
        try EventEnvelope<Payload>.decode(bytes, header: header)
    }
}

/// What a service does with the events it consumes.
///
/// A handler must make its effect through `event.inbox.commit`, so that the effect, the inbox row and
/// any outbox events land in one transaction; anything it does outside must be idempotent.
public protocol EventHandler: Sendable {
    /// The event types this handler wants; the consumer subscribes to their topics.
    var eventTypes: [EventType] { get }
    /// Applies one event. Throwing `EventHandlingError.permanent` skips the event (logged); any other
    /// error is retried with backoff.
    func handle(_ event: IncomingEvent) async throws
}

/// A handler that can also apply a run of events in one transaction: one durable commit for all of
/// them instead of one each. Each event still goes through the inbox (`Inbox.record`) inside that
/// transaction. If the batch fails, the consumer retries its events one by one through `handle(_:)`,
/// so one bad event cannot hold back the others.
public protocol BatchEventHandler: EventHandler {
    func handle(batch events: [IncomingEvent], database: ServiceDatabase) async throws
}

/// How a handler says an event can never be processed.
public enum EventHandlingError: Error {
    /// The event is malformed or contradicts the service's state; retrying cannot help.
    case permanent(String)
}
