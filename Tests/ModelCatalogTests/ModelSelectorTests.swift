import EventContracts
import Foundation
import ModelCatalog
import Testing

@Suite("Model selection")
struct ModelSelectorTests {
    static let everyProvider = ProviderAvailability(configured: ["replicate", "kling", "google", "luma", "runway", "fal"])

    static func spec(_ type: VideoType? = nil, model: String? = nil, motion: CameraMotion? = nil, seconds: Double? = 5,
                     ratio: AspectRatio = .landscape, fallback: Bool? = nil, maxCredits: Int64? = nil) -> VideoJobSpec {
        VideoJobSpec(jobID: "job", workspaceID: "ws", videoType: type, model: model, cameraMotion: motion, prompt: nil, style: nil,
                     aspectRatio: ratio, durationSeconds: seconds, fallback: fallback, maxCredits: maxCredits)
    }

    static func selector(_ availability: ProviderAvailability = everyProvider) throws -> ModelSelector {
        ModelSelector(catalog: try ModelCatalog.bundled(), availability: availability)
    }

    @Test("each video type goes to its default model when every provider is configured", arguments: [
        (VideoType.walkthrough, 1, "veo-2"), (.floorplanFlythrough, 1, "veo-2"), (.productSpotlight, 1, "kling-v3.0"),
        (.beforeAfter, 2, "kling-v3.0"), (.beforeAfter, 1, "kling-v3.0"), (.socialReel, 2, "kling-v3.0"), (.cameraMotion, 1, "local-camera-motion"),
    ])
    func defaults(type: VideoType, images: Int, expected: String) throws {
        let decision = try Self.selector().select(for: Self.spec(type, motion: type == .cameraMotion ? .zoomIn : nil), imageCount: images)
        #expect(decision.model.id == expected)
        #expect(decision.fallbackReason == nil)
    }

    @Test("a route's own price (spec.price) is what the job costs whichever model runs it, the fallback's too, and bounds the fallback as the preferred model's price would")
    func routePrice() throws {
        var walkthrough = Self.spec(.walkthrough)
        walkthrough.price = 10
        let decision = try Self.selector().select(for: walkthrough, imageCount: 1)
        #expect(decision.model.id == "veo-2" && decision.credits == 10)
        // Without Replicate, veo-2's walkthrough falls back; at the route's price, nothing dearer than 10 may take it.
        let withoutReplicate = try Self.selector(ProviderAvailability(configured: ["kling", "google", "luma", "runway"]))
        let moved = try withoutReplicate.select(for: walkthrough, imageCount: 1)
        #expect(moved.model.id != "veo-2" && moved.credits == 10, "\(moved)")
        var explicit = Self.spec(model: "veo3-fast", seconds: nil)
        explicit.price = 200
        #expect(try Self.selector().select(for: explicit, imageCount: 0).credits == 200)
    }

    @Test("without remote credentials, video types fall back to the local renderer where it can make them, saying why")
    func localFallback() throws {
        let selector = try Self.selector(ProviderAvailability(configured: []))
        let reveal = try selector.select(for: Self.spec(.beforeAfter), imageCount: 2)
        #expect(reveal.model.id == "local-before-after")
        #expect(reveal.preferredModelID == "kling-v3.0")
        #expect(reveal.fallbackReason?.contains("KLING_ACCESS_KEY") == true)
        #expect(reveal.fallbackReason?.hasPrefix("no remote model is available, so the local renderer makes it") == true, "\(reveal.fallbackReason ?? "")")
        #expect(reveal.credits == 2)
        #expect(try selector.select(for: Self.spec(.socialReel), imageCount: 3).model.id == "local-social-reel")

        for (type, local) in [(VideoType.walkthrough, "local-walkthrough"), (.floorplanFlythrough, "local-floorplan-flythrough"),
                              (.productSpotlight, "local-product-spotlight")] {
            let decision = try selector.select(for: Self.spec(type), imageCount: 1)
            #expect(decision.model.id == local)
            #expect(decision.fallbackReason?.contains("local renderer") == true)
        }

        // Without a photo the local renderer has nothing to move over: unavailable, with the reason.
        let error = try #require(throws: RoomReelError.self) { try selector.select(for: Self.spec(.walkthrough), imageCount: 0) }
        #expect(error.code == .modelUnavailable)
        #expect(error.message.contains("REPLICATE_API_TOKEN"))
    }

    @Test("fallback prefers the same tier, then the nearest cheaper tier, before the local renderer")
    func tierOrder() throws {
        // kling is down; replicate is up. kling-v3.0 (standard) → no other standard model takes two
        // images here → kling-1.6-pro (economy, on replicate), not the local model.
        let selector = try Self.selector(ProviderAvailability(configured: ["replicate"]))
        let decision = try selector.select(for: Self.spec(.beforeAfter), imageCount: 2)
        #expect(decision.model.id == "kling-1.6-pro")
        #expect(decision.credits == 15)
    }

    @Test("an explicit model is honoured, refused with MODEL_CANNOT_DO outside its limits, and falls back only when asked")
    func explicitModel() throws {
        let selector = try Self.selector()
        #expect(try selector.select(for: Self.spec(model: "veo3_fast", seconds: 8), imageCount: 1).model.id == "veo3-fast")
        #expect(try selector.select(for: Self.spec(model: "veo3_fast", seconds: 8), imageCount: 1).credits == 240)

        for (spec, images) in [(Self.spec(model: "veo-2", seconds: 9), 1), (Self.spec(model: "veo-2", ratio: .square), 1),
                               (Self.spec(model: "runway-gen4-turbo"), 0), (Self.spec(model: "wan2.1-i2v-720p"), 0)] {
            let error = try #require(throws: RoomReelError.self) { try selector.select(for: spec, imageCount: images) }
            #expect(error.code == .modelCannotDo, "\(error)")
        }

        let offline = try Self.selector(ProviderAvailability(configured: ["replicate"]))
        let refused = try #require(throws: RoomReelError.self) { try offline.select(for: Self.spec(model: "kling-v3.0"), imageCount: 1) }
        #expect(refused.code == .modelUnavailable)
        let allowed = try offline.select(for: Self.spec(model: "kling-v3.0", fallback: true), imageCount: 1)
        #expect(allowed.model.provider == "replicate")
        #expect(allowed.fallbackReason != nil)

        let unknown = try #require(throws: RoomReelError.self) { try selector.select(for: Self.spec(model: "sora-9"), imageCount: 1) }
        #expect(unknown.code == .modelUnavailable)
    }

    @Test("an unhealthy provider is skipped like one without credentials")
    func unhealthy() throws {
        let selector = try Self.selector(ProviderAvailability(
            configured: ["replicate", "kling", "google", "luma", "runway", "fal"], unhealthy: ["kling": "5 failures in 10 minutes"]))
        let decision = try selector.select(for: Self.spec(.productSpotlight), imageCount: 1)
        #expect(decision.model.provider != "kling")
        #expect(decision.fallbackReason?.contains("unhealthy") == true)
    }

    @Test("camera_motion needs a move")
    func cameraMotionNeedsMove() throws {
        let error = try #require(throws: RoomReelError.self) { try Self.selector().select(for: Self.spec(.cameraMotion), imageCount: 1) }
        #expect(error.code == .invalidRequest)
    }

    @Test("without a duration each model makes its default length: 8 s on Veo 3, 5 s on Kling")
    func defaultDurations() throws {
        let selector = try Self.selector()
        for (model, seconds) in [("veo3", 8.0), ("veo3_fast", 8), ("veo-3.1", 8), ("kling-v3.0", 5), ("luma-ray3", 5)] {
            let decision = try selector.select(for: Self.spec(model: model, seconds: nil), imageCount: 1)
            #expect(decision.durationSeconds == seconds && decision.generatedSeconds == seconds, "\(model)")
        }
    }

    @Test("a length the model does not offer is generated at the next one up and charged at it; beyond the maximum is MODEL_CANNOT_DO naming what it offers",
          arguments: [("kling-v3.0", 4.0, 5.0), ("kling-v3.0", 6, 10), ("luma-ray3", 4, 5), ("luma-ray3", 6, 9), ("veo-3.1", 5, 6),
                      ("seedance-pro", 4.2, 5), ("local-camera-motion", 2.5, 2.5), ("wan2.1-i2v-720p", 3, 5)])
    func nearestLongerDuration(model: String, asked: Double, generated: Double) throws {
        let decision = try Self.selector().select(for: Self.spec(model: model, motion: model.hasPrefix("local") ? .zoomIn : nil, seconds: asked),
                                                  imageCount: 1)
        #expect(decision.durationSeconds == asked)
        #expect(decision.generatedSeconds == generated)
        #expect(decision.credits == decision.model.pricing.credits(forDuration: generated))
    }

    @Test("beyond a model's maximum: MODEL_CANNOT_DO naming its lengths")
    func beyondMaximum() throws {
        let error = try #require(throws: RoomReelError.self) { try Self.selector().select(for: Self.spec(model: "luma-ray3", seconds: 12), imageCount: 1) }
        #expect(error.code == .modelCannotDo)
        #expect(error.message.contains("5 or 9 s") && error.details["maximum_seconds"] == 9, "\(error)")
    }

    @Test("a fallback never costs more than the preferred model unless max_credits allows it, and says why it happened")
    func fallbackCeiling() throws {
        // Only Google is up besides the local renderer, and the spotlight is asked for from a prompt alone
        // (the local renderer needs a photo): kling-v3.0 (20) cannot run, and every Veo costs more.
        let selector = try Self.selector(ProviderAvailability(configured: ["google"]))
        let refused = try #require(throws: RoomReelError.self) { try selector.select(for: Self.spec(.productSpotlight), imageCount: 0) }
        #expect(refused.code == .modelUnavailable)
        #expect(refused.message.contains("at most 20 credits") && refused.message.contains("max_credits"), "\(refused)")
        let allowed = try selector.select(for: Self.spec(.productSpotlight, maxCredits: 300), imageCount: 0)
        #expect(allowed.model.id == "veo3-fast" && allowed.credits == 240)
        #expect(allowed.preferredModelID == "kling-v3.0" && allowed.fallbackReason?.contains("kling-v3.0 is unavailable") == true)

        // product_spotlight at 6 s stays on kling-v3.0 (generated at 10 s, trimmed), not veo-2 at 30 credits.
        let sixSeconds = try Self.selector().select(for: Self.spec(.productSpotlight, seconds: 6), imageCount: 1)
        #expect(sixSeconds.model.id == "kling-v3.0" && sixSeconds.credits == 20 && sixSeconds.generatedSeconds == 10)
    }

    @Test("more photos than a model uses: TOO_MANY_IMAGES naming its limit for an explicit model; a video type falls back to one that uses them all")
    func tooManyImages() throws {
        let error = try #require(throws: RoomReelError.self) { try Self.selector().select(for: Self.spec(model: "kling-v3.0"), imageCount: 3) }
        #expect(error.code == .tooManyImages && error.details["maximum_images"] == 2 && error.details["images"] == 3, "\(error)")
        let reel = try Self.selector().select(for: Self.spec(.socialReel), imageCount: 3)
        #expect(reel.model.id == "local-social-reel" && reel.fallbackReason?.contains("at most 2 photos") == true)
    }
}
