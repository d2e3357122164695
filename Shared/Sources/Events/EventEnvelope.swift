import Foundation

/// Marks a type as the `data` of one event type.
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The event type this payload travels as.
    static var eventType: EventType { get }
}

/// The CloudEvents-like envelope every event travels in.
///
/// `subject` is the job id; `workspaceID` is also the Kafka key, so that one workspace's events stay
/// ordered in one partition.
public struct EventEnvelope<Payload: EventPayload>: Codable, Sendable, Equatable {
    /// Envelope format version.
    public var specversion: String
    /// Unique event id; consumers' inboxes drop ids they have already processed.
    public var id: String
    /// The event type, equal to `Payload.eventType`.
    public var type: EventType
    /// The service that produced the event.
    public var source: String
    /// When the event was created.
    public var time: Date
    /// The job the event is about.
    public var subject: String
    /// The workspace the job belongs to, and the Kafka partitioning key.
    public var workspaceID: String
    /// The typed payload.
    public var data: Payload

    enum CodingKeys: String, CodingKey {
        case specversion, id, type, source, time, subject, data
        case workspaceID = "workspace_id"
    }

    /// Creates an envelope with a fresh id and the current time.
    public init(id: String = UUID().uuidString.lowercased(), source: String, subject: String, workspaceID: String, time: Date = Date(), data: Payload) {
        self.specversion = "1.0"
        self.id = id
        self.type = Payload.eventType
        self.source = source
        self.time = time
        self.subject = subject
        self.workspaceID = workspaceID
        self.data = data
    }

    /// Encodes the envelope as the JSON bytes that go on the wire.
    public func encoded() throws -> [UInt8] {
        Array(try EventCoding.encoder.encode(self))
    }

    /// Decodes an envelope, checking that its `type` matches `Payload`.
    public static func decode(_ bytes: [UInt8]) throws -> EventEnvelope<Payload> {
        let envelope = try EventCoding.decoder.decode(EventEnvelope<Payload>.self, from: Data(bytes))
        guard envelope.type == Payload.eventType else {
            throw RoomReelError(.invalidEvent, "expected a \(Payload.eventType.rawValue) event, got \(envelope.type.rawValue)")
        }
        return envelope
    }
}

/// The envelope's fields without its payload: enough to route, dedupe and log an event of any type.
public struct EventHeader: Codable, Sendable, Equatable {
    public var id: String
    public var type: EventType
    public var source: String
    public var time: Date
    public var subject: String
    public var workspaceID: String

    enum CodingKeys: String, CodingKey {
        case id, type, source, time, subject
        case workspaceID = "workspace_id"
    }

    /// Decodes just the header of an encoded envelope.
    public static func decode(_ bytes: [UInt8]) throws -> EventHeader {
        try EventCoding.decoder.decode(EventHeader.self, from: Data(bytes))
    }
}

/// The one JSON coding of events: ISO 8601 times with fractional seconds, sorted keys.
public enum EventCoding {
    /// Encoder used for every event.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Decoder used for every event.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
                return date
            }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time: \(text)")
        }
        return decoder
    }
}
