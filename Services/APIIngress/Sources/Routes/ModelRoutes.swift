import Foundation
import Hummingbird
import ModelCatalog

/// `GET /v1/models`: the catalog as clients need it to choose, with each model's availability now.
struct ModelRoutes {
    let routing: RoutingConfiguration
    let health: ProviderHealth

    struct ModelList: Encodable {
        let models: [ModelView]
        let defaults: [String: String]
        let tiers: [String]
    }

    struct ModelView: Encodable {
        struct Credits: Encodable {
            let flat: Int64?
            let perSecond: Int64?

            enum CodingKeys: String, CodingKey {
                case flat
                case perSecond = "per_second"
            }
        }
        struct Durations: Encodable {
            let min: Double
            let max: Double
            let allowed: [Double]?
            /// The length a request without `duration` gets.
            let `default`: Double
        }

        let id: String
        let aliases: [String]
        let provider: String
        let credits: Credits
        let inputModes: [String]
        let durations: Durations
        let maxImages: Int
        let aspectRatios: [String]
        let cameraMotions: [String]
        let videoTypes: [String]
        let typicalLatencySeconds: Int
        let qualityTier: String
        let bestFor: String
        let available: Bool
        let unavailableReason: String?

        enum CodingKeys: String, CodingKey {
            case id, aliases, provider, credits, durations, available
            case inputModes = "input_modes"
            case maxImages = "max_images"
            case aspectRatios = "aspect_ratios"
            case cameraMotions = "camera_motions"
            case videoTypes = "video_types"
            case typicalLatencySeconds = "typical_latency_seconds"
            case qualityTier = "quality_tier"
            case bestFor = "best_for"
            case unavailableReason = "unavailable_reason"
        }

        init(_ model: VideoModel, availability: ProviderAvailability) {
            id = model.id
            aliases = model.aliases
            provider = model.provider
            switch model.pricing {
            case .flat(let credits): self.credits = Credits(flat: credits, perSecond: nil)
            case .perSecond(let credits): self.credits = Credits(flat: nil, perSecond: credits)
            }
            inputModes = model.inputModes.map(\.rawValue)
            durations = Durations(min: model.minDurationSeconds, max: model.maxDurationSeconds, allowed: model.allowedDurations,
                                  default: model.defaultDurationSeconds)
            maxImages = model.maxImages
            aspectRatios = model.aspectRatios.map(\.rawValue)
            cameraMotions = model.cameraMotions.map(\.rawValue)
            videoTypes = model.videoTypes.map(\.rawValue)
            typicalLatencySeconds = model.typicalLatencySeconds
            qualityTier = model.qualityTier
            bestFor = model.bestFor
            unavailableReason = availability.unavailability(of: model.provider)
            available = unavailableReason == nil
        }
    }

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.get("/models", use: list)
    }

    @Sendable func list(_ request: Request, context: IngressRequestContext) async throws -> Response {
        _ = try context.requireWorkspace()
        let catalog = routing.catalog
        let availability = health.availability()
        let body = ModelList(
            // Only what some running provider-bridge can serve is offered; an unhealthy provider's
            // models stay listed, marked unavailable with why.
            models: catalog.models.filter { availability.isServed($0.provider) }.map { ModelView($0, availability: availability) },
            defaults: Dictionary(uniqueKeysWithValues: catalog.defaults.map { ($0.key.rawValue, $0.value) }),
            tiers: catalog.tiers)
        return try JSONResponse.make(body, status: .ok)
    }
}
