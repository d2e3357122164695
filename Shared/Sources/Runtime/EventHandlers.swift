/// Several handlers behind one consumer: each event goes to the handler that takes its type. A
/// service has one consumer group; this lets it keep one handler per concern.
public struct EventHandlers: EventHandler {
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
}
