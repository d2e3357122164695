import EventContracts

/// Several handlers behind one consumer: each event goes to the handler that takes its type. A
/// service has one consumer group; this lets it keep one handler per concern.
///
/// A polled batch is split into runs of consecutive events for the same handler, in order; a run
/// goes to its handler's `handle(batch:)` when it has one, else event by event. Each run commits on
/// its own, which is safe because every event still passes the inbox: if a later run fails, the
/// consumer's one-by-one retry finds the earlier ones already processed.
public struct EventHandlers: BatchEventHandler {
    private let handlers: [any EventHandler]
    private let byType: [EventType: Int]

    /// `handlers` must not share event types.
    public init(_ handlers: [any EventHandler]) {
        self.handlers = handlers
        var byType: [EventType: Int] = [:]
        for (index, handler) in handlers.enumerated() {
            for type in handler.eventTypes {
                precondition(byType[type] == nil, "two handlers for \(type.rawValue)")
                byType[type] = index
            }
        }
        self.byType = byType
    }

    public var eventTypes: [EventType] { handlers.flatMap(\.eventTypes) }

    public func handle(_ event: IncomingEvent) async throws {
        guard let index = byType[event.header.type] else {
            throw EventHandlingError.permanent("no handler for \(event.header.type.rawValue)")
        }
        try await handlers[index].handle(event)
    }

    public func handle(batch events: [IncomingEvent], database: ServiceDatabase) async throws {
        var start = events.startIndex
        while start < events.endIndex {
            guard let index = byType[events[start].header.type] else {
                throw EventHandlingError.permanent("no handler for \(events[start].header.type.rawValue)")
            }
            var end = start + 1
            while end < events.endIndex, byType[events[end].header.type] == index { end += 1 }
            let run = Array(events[start..<end])
            if let batchHandler = handlers[index] as? any BatchEventHandler {
                try await batchHandler.handle(batch: run, database: database)
            } else {
                for event in run { try await handlers[index].handle(event) }
            }
            start = end
        }
    }
}
