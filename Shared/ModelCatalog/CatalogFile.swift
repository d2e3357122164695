import EventContracts
import Foundation

/// The catalog file's JSON, decoded strictly: unknown keys, missing fields and impossible numbers are
/// errors naming the entry, so a typo cannot silently drop a model's limits.
enum CatalogFile {
    static func decode(_ data: Data) throws -> ModelCatalog {
        guard case .object(let root) = try JSONDecoder().decode(JSONValue.self, from: data) else {
            throw CatalogError(entry: "catalog", problem: "must be a JSON object")
        }
        var reader = Reader(object: root, entry: "catalog")
        let tiers: [String] = try reader.required("tiers")
        let defaultsObject: [String: JSONValue] = try reader.required("defaults")
        let modelObjects: [[String: JSONValue]] = try reader.required("models")
        try reader.rejectUnknownKeys()
        guard !tiers.isEmpty, Set(tiers).count == tiers.count else {
            throw CatalogError(entry: "tiers", problem: "must list distinct tier names")
        }

        var defaults: [VideoType: String] = [:]
        for (key, value) in defaultsObject {
            guard let type = VideoType(rawValue: key) else {
                throw CatalogError(entry: "defaults.\(key)", problem: "is not a video type (\(VideoType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard case .string(let id) = value else { throw CatalogError(entry: "defaults.\(key)", problem: "must be a model id") }
            defaults[type] = id
        }
        let models = try modelObjects.enumerated().map { index, object in
            try model(object, entry: "models[\(index)]\(object["id"]?.string.map { " (\($0))" } ?? "")")
        }
        return try ModelCatalog(models: models, tiers: tiers, defaults: defaults)
    }

    private static func model(_ object: [String: JSONValue], entry: String) throws -> VideoModel {
        var reader = Reader(object: object, entry: entry)
        let id: String = try reader.required("id")
        let aliases: [String] = try reader.optional("aliases") ?? []
        let provider: String = try reader.required("provider")
        let providerModelID: String = try reader.required("provider_model_id")
        let creditsObject: [String: JSONValue] = try reader.required("credits")
        let modes: [String] = try reader.required("input_modes")
        let durations: [String: JSONValue] = try reader.required("durations")
        let ratios: [String] = try reader.required("aspect_ratios")
        let motions: [String] = try reader.optional("camera_motions") ?? []
        let latency: Int = try reader.required("typical_latency_seconds")
        let timeLimit: Int? = try reader.optional("time_limit_seconds")
        let tier: String = try reader.required("quality_tier")
        let bestFor: String = try reader.optional("best_for") ?? ""
        let types: [String]? = try reader.optional("video_types")
        let maxImages: Int? = try reader.optional("max_images")
        let shapeFromPhoto: Bool = try reader.optional("shape_from_photo") ?? false
        try reader.rejectUnknownKeys()

        guard !id.isEmpty, !provider.isEmpty, !providerModelID.isEmpty else {
            throw CatalogError(entry: entry, problem: "needs a non-empty id, provider and provider_model_id")
        }
        var creditsReader = Reader(object: creditsObject, entry: "\(entry).credits")
        let flat: Int64? = try creditsReader.optional("flat")
        let perSecond: Int64? = try creditsReader.optional("per_second")
        try creditsReader.rejectUnknownKeys()
        let pricing: VideoModel.Pricing
        switch (flat, perSecond) {
        case (let credits?, nil) where credits > 0: pricing = .flat(credits)
        case (nil, let credits?) where credits > 0: pricing = .perSecond(credits)
        default: throw CatalogError(entry: "\(entry).credits", problem: "must be {\"flat\": n} or {\"per_second\": n} with n > 0")
        }

        var durationReader = Reader(object: durations, entry: "\(entry).durations")
        let minimum: Double = try durationReader.required("min")
        let maximum: Double = try durationReader.required("max")
        let allowed: [Double]? = try durationReader.optional("allowed")
        let defaultDuration: Double = try durationReader.required("default")
        try durationReader.rejectUnknownKeys()
        guard minimum > 0, minimum <= maximum, maximum <= 60 else {
            throw CatalogError(entry: "\(entry).durations", problem: "needs 0 < min ≤ max ≤ 60, got min \(minimum), max \(maximum)")
        }
        if let allowed, allowed.isEmpty || !allowed.allSatisfy({ (minimum...maximum).contains($0) }) {
            throw CatalogError(entry: "\(entry).durations.allowed", problem: "must list durations within min...max")
        }
        guard allowed?.contains(defaultDuration) ?? (minimum...maximum).contains(defaultDuration) else {
            throw CatalogError(entry: "\(entry).durations.default", problem: "must be a duration the model offers")
        }
        if let maxImages, maxImages < 1 {
            throw CatalogError(entry: "\(entry).max_images", problem: "must be at least 1")
        }
        guard latency > 0 else { throw CatalogError(entry: "\(entry).typical_latency_seconds", problem: "must be positive") }
        if let timeLimit, timeLimit <= latency {
            throw CatalogError(entry: "\(entry).time_limit_seconds", problem: "must be longer than typical_latency_seconds (\(latency))")
        }

        let inputModes = try modes.map { text in
            guard let mode = VideoModel.InputMode(rawValue: text) else {
                throw CatalogError(entry: "\(entry).input_modes", problem: "has unknown mode '\(text)'")
            }
            return mode
        }
        guard !inputModes.isEmpty else { throw CatalogError(entry: "\(entry).input_modes", problem: "must not be empty") }
        let aspectRatios = try ratios.map { text in
            guard let ratio = AspectRatio(rawValue: text) else {
                throw CatalogError(entry: "\(entry).aspect_ratios", problem: "has unknown ratio '\(text)'")
            }
            return ratio
        }
        let cameraMotions = try motions.map { text in
            guard let motion = CameraMotion(rawValue: text) else {
                throw CatalogError(entry: "\(entry).camera_motions", problem: "has unknown move '\(text)'")
            }
            return motion
        }
        let videoTypes = try (types ?? VideoType.allCases.map(\.rawValue)).map { text in
            guard let type = VideoType(rawValue: text) else {
                throw CatalogError(entry: "\(entry).video_types", problem: "has unknown video type '\(text)'")
            }
            return type
        }
        return VideoModel(id: id, aliases: aliases, provider: provider, providerModelID: providerModelID, pricing: pricing,
                          inputModes: inputModes, minDurationSeconds: minimum, maxDurationSeconds: maximum, allowedDurations: allowed,
                          defaultDurationSeconds: defaultDuration, maxImages: maxImages, shapeFromPhoto: shapeFromPhoto, aspectRatios: aspectRatios, cameraMotions: cameraMotions, typicalLatencySeconds: latency,
                          timeLimitSeconds: timeLimit, qualityTier: tier, bestFor: bestFor, videoTypes: videoTypes)
    }

    /// Reads typed fields from one JSON object, remembering which keys it used.
    private struct Reader {
        let object: [String: JSONValue]
        let entry: String
        var used: Set<String> = []

        init(object: [String: JSONValue], entry: String) {
            self.object = object
            self.entry = entry
        }

        mutating func required<T>(_ key: String) throws -> T {
            guard let value: T = try optional(key) else {
                throw CatalogError(entry: entry, problem: "is missing '\(key)'")
            }
            return value
        }

        mutating func optional<T>(_ key: String) throws -> T? {
            used.insert(key)
            guard let raw = object[key], raw != .null else { return nil }
            if let value = raw.converted(to: T.self) { return value }
            throw CatalogError(entry: "\(entry).\(key)", problem: "has the wrong type (\(raw))")
        }

        func rejectUnknownKeys() throws {
            let unknown = Set(object.keys).subtracting(used).sorted()
            guard unknown.isEmpty else {
                throw CatalogError(entry: entry, problem: "has unknown keys: \(unknown.joined(separator: ", "))")
            }
        }
    }
}

/// Any JSON value, decoded exactly: a number is never a Bool and a Bool never a number.
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): "\"\(value)\""
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object: "{…}"
        }
    }

    /// The value as `T` (String, Int, Int64, Double, [String], [Double], [String: JSONValue],
    /// [[String: JSONValue]]), or nil when it is something else; integers must be whole numbers.
    func converted<T>(to type: T.Type) -> T? {
        switch self {
        case .string(let value): return value as? T
        case .number(let value):
            if T.self == Double.self { return value as? T }
            guard value == value.rounded(), abs(value) < 9_007_199_254_740_992 else { return nil }
            if T.self == Int.self { return Int(value) as? T }
            if T.self == Int64.self { return Int64(value) as? T }
            return nil
        case .array(let values):
            if T.self == [String].self {
                let strings = values.compactMap(\.string)
                return strings.count == values.count ? strings as? T : nil
            }
            if T.self == [Double].self {
                let numbers = values.compactMap { $0.converted(to: Double.self) }
                return numbers.count == values.count ? numbers as? T : nil
            }
            if T.self == [[String: JSONValue]].self {
                let objects = values.compactMap { value -> [String: JSONValue]? in
                    if case .object(let object) = value { return object }
                    return nil
                }
                return objects.count == values.count ? objects as? T : nil
            }
            return nil
        case .object(let object): return object as? T
        case .bool(let value): return value as? T
        case .null: return nil
        }
    }
}
