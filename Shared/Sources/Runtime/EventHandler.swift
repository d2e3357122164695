/// One consumed event, as a handler sees it: the decoded header, the raw envelope bytes, and the inbox
/// transaction through which the handler commits its effect.
public struct IncomingEvent: Sendable {
    public let header: EventHeader
    public let bytes: [UInt8]
    public let inbox: InboxTransaction

    /// Decodes the whole envelope with its typed payload.
    public func decode<Payload: EventPayload>(_: Payload.Type) throws -> EventEnvelope<Payload> {
        try EventEnvelope<Payload>.decode(bytes)
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

/// How a handler says an event can never be processed.
public enum EventHandlingError: Error {
    /// The event is malformed or contradicts the service's state; retrying cannot help.
    case permanent(String)
}
