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
    public init(id: String = EventID.make(), source: String, subject: String, workspaceID: String, time: Date = Date(), data: Payload) {
        self.specversion = "1.0"
        self.id = id
        self.type = Payload.eventType
        self.source = source
        self.time = EventCoding.wholeMilliseconds(time)
        self.subject = subject
        self.workspaceID = workspaceID
        self.data = data
    }

    /// Encodes the envelope as the JSON bytes that go on the wire.
    public func encoded() throws -> [UInt8] {
        Array(try EventCoding.encoder.encode(self))
    }

    /// Decodes an envelope, checking first that its `type` matches `Payload`.
    public static func decode(_ bytes: [UInt8]) throws -> EventEnvelope<Payload> {
        try decode(bytes, header: try EventHeader.decode(bytes))
    }

    /// Decodes an envelope whose header was decoded already, checking first that its `type` matches `Payload`.
    public static func decode(_ bytes: [UInt8], header: EventHeader) throws -> EventEnvelope<Payload> {
        guard header.type == Payload.eventType else {
            throw RoomReelError(.invalidEvent, "expected a \(Payload.eventType.rawValue) event, got \(header.type.rawValue)")
        }
        return try EventCoding.decoder.decode(EventEnvelope<Payload>.self, from: Data(bytes))
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

    /// Decodes just the header of an encoded envelope. Every consumed event passes here, so the
    /// fields are read in place (`RawJSON`) rather than through `JSONDecoder`.
    public static func decode(_ bytes: [UInt8]) throws -> EventHeader {
        try decode(RawJSON(bytes))
    }

    /// Decodes the header of an envelope already checked as JSON.
    public static func decode(_ json: RawJSON) throws -> EventHeader {
        let fields = try json.members(of: json.root, ["id", "type", "source", "time", "subject", "workspace_id"])
        func text(_ index: Int, _ name: String) throws -> String {
            guard let range = fields[index] else { throw RoomReelError(.invalidEvent, "the event has no \(name)") }
            return try json.string(range)
        }
        let typeName = try text(1, "type")
        guard let type = EventType(rawValue: typeName) else { throw RoomReelError(.invalidEvent, "unknown event type \(typeName)") }
        let timeText = try text(3, "time")
        guard let time = EventCoding.parse(timeText) else { throw RoomReelError(.invalidEvent, "not an ISO 8601 time: \(timeText)") }
        return EventHeader(id: try text(0, "id"), type: type, source: try text(2, "source"), time: time,
                           subject: try text(4, "subject"), workspaceID: try text(5, "workspace_id"))
    }
}

/// The one JSON coding of events: UTC ISO 8601 times with millisecond precision, sorted keys.
public enum EventCoding {
    /// Encoder used for every event (one instance: JSONEncoder is safe to share once configured).
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Decoder used for every event (one instance, shared like the encoder).
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time: \(text)")
            }
            return date
        }
        return decoder
    }()

    /// `date` rounded to whole milliseconds, the precision events carry, so that an envelope equals
    /// itself after a trip over the wire.
    public static func wholeMilliseconds(_ date: Date) -> Date {
        Date(millisecondsSince1970: date.millisecondsSince1970)
    }

    /// `2026-11-22T21:41:26.916Z`: built from the integer millisecond count (the system formatter
    /// truncates fractions that binary floating point stores a hair low) with calendar arithmetic,
    /// because every event carries a time and the system formatter costs microseconds per call.
    public static func format(_ date: Date) -> String {
        let total = date.millisecondsSince1970
        if let text = CivilTime.text(millisecondsSince1970: total, separator: "T", suffix: "Z") { return text }
        // Outside four-digit years the standard formatter knows the rules.
        let whole = Date(timeIntervalSince1970: Double(total.floorDivided(by: 1000))).formatted(Date.ISO8601FormatStyle())
        return whole.dropLast() + "." + String(total.floorModulo(by: 1000) + 1000).dropFirst() + "Z"
    }

    /// Parses an ISO 8601 time with or without fractional seconds, to whole milliseconds. The form
    /// `format` writes is read directly; anything else goes to the system parser.
    public static func parse(_ text: String) -> Date? {
        if let milliseconds = parseCanonical(text) {
            return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        }
        let parsed = (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
        return parsed.map(wholeMilliseconds)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` to milliseconds since 1970, or nil for any other shape or an
    /// impossible date (which the system parser then judges).
    private static func parseCanonical(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { CivilTime.milliseconds(parsing: $0, separator: "T", suffix: "Z") }
    }

}

extension Int64 {
    /// Division rounding toward minus infinity (times before 1970 have negative counts).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }

    /// The remainder that goes with `floorDivided(by:)`: never negative for a positive divisor.
    func floorModulo(by divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
