import Foundation
import ServiceSettings

/// The settings of the compatibility APIs (`Compat/`): their price lists and how long their
/// synchronous answers wait.
public struct CompatSettings: Sendable {
    /// What each route charges (`COMPAT_PRICES`).
    public var prices: CompatPrices
    /// How long `generate-interior-video-v2` holds its answer before it says "processing"
    /// (`COMPAT_INTERIOR_WAIT_SECONDS`, default 55: the seed's window).
    public var interiorWaitSeconds: Int
    /// How long RoomAI's synchronous `POST /api/v1/generate` waits for the video
    /// (`COMPAT_ROOMAI_WAIT_SECONDS`, default 300: the seed's "up to 2-3 minutes", with room).
    public var roomAIWaitSeconds: Int
    /// The model the OpenAI-style Videos API uses when the request names none or a Sora model
    /// (`COMPAT_OPENAI_DEFAULT_MODEL`, default kling-v3.0: text or photo, 5 or 10 s, every ratio).
    public var openAIDefaultModel: String

    public init(prices: CompatPrices = CompatPrices(), interiorWaitSeconds: Int = 55, roomAIWaitSeconds: Int = 300,
                openAIDefaultModel: String = "kling-v3.0") {
        self.prices = prices
        self.interiorWaitSeconds = interiorWaitSeconds
        self.roomAIWaitSeconds = roomAIWaitSeconds
        self.openAIDefaultModel = openAIDefaultModel
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> CompatSettings {
        var prices = CompatPrices()
        for (key, value) in try environment.pairs("COMPAT_PRICES") {
            guard let credits = Int64(value), credits >= 0 else {
                throw ConfigurationError(variable: "COMPAT_PRICES", problem: "'\(key):\(value)' needs a whole number of credits")
            }
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, CompatPrices.routes.contains(parts[0]) else {
                throw ConfigurationError(variable: "COMPAT_PRICES",
                                         problem: "'\(key)' must be <route>/<model or *>, the routes being \(CompatPrices.routes.sorted().joined(separator: ", "))")
            }
            prices.set(route: parts[0], model: parts[1], credits: credits)
        }
        return CompatSettings(
            prices: prices,
            interiorWaitSeconds: try environment.integer("COMPAT_INTERIOR_WAIT_SECONDS", default: 55, in: 0...600),
            roomAIWaitSeconds: try environment.integer("COMPAT_ROOMAI_WAIT_SECONDS", default: 300, in: 0...900),
            openAIDefaultModel: environment.string("COMPAT_OPENAI_DEFAULT_MODEL", default: "kling-v3.0"))
    }
}

/// Each compatibility route's price list: the credits its seed documents, by the model the request
/// names or defaults to (`*` for any model). A route or model without an entry pays the catalog's
/// price. The operator overrides entries with `COMPAT_PRICES=<route>/<model>:<credits>,…`.
public struct CompatPrices: Sendable, Equatable {
    /// The routes that have price lists.
    public static let routes: Set<String> = ["interior-video", "social-video", "roomai", "veo3-api"]

    private var entries: [String: [String: Int64]]

    public init() {
        entries = [
            // generate-interior-video-v2's model table.
            "interior-video": ["veo-2": 30, "kling-v3.0": 20, "wan2.1-i2v-720p": 12, "runway-gen4-turbo": 40],
            // generate-social-video's.
            "social-video": ["kling-1.6-pro": 15, "veo-2": 30],
            // Video AI: 10 tokens per generation, whatever renders it.
            "roomai": ["*": 10],
            // The Veo3 generation API's table.
            "veo3-api": ["veo3-fast": 240, "veo3": 500],
        ]
    }

    public mutating func set(route: String, model: String, credits: Int64) {
        entries[route, default: [:]][model] = credits
    }

    /// What `route` charges for a job whose preferred model is `modelID`; nil for the catalog price.
    public func credits(route: String, modelID: String) -> Int64? {
        entries[route]?[modelID] ?? entries[route]?["*"]
    }
}
