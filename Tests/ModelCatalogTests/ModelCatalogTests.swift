import EventContracts
import Foundation
import ModelCatalog
import Testing

@Suite("Model catalog")
struct ModelCatalogTests {
    static func bundledJSON() throws -> [String: Any] {
        let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Shared/ModelCatalog/models.json")
        return try #require(JSONSerialization.jsonObject(with: Data(contentsOf: catalog)) as? [String: Any])
    }

    /// The bundled catalog's JSON after `change`, decoded.
    static func decodeChanged(_ change: (inout [String: Any]) -> Void) throws -> ModelCatalog {
        var json = try bundledJSON()
        change(&json)
        return try ModelCatalog.decode(JSONSerialization.data(withJSONObject: json))
    }

    static func changeModel(_ index: Int, _ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { json in
            var models = json["models"] as! [[String: Any]]
            change(&models[index])
            json["models"] = models
        }
    }

    @Test("the bundled catalog loads and ships the required models at their prices")
    func bundled() throws {
        let catalog = try ModelCatalog.bundled()
        let prices: [String: Int64] = [
            "veo-2": 30, "kling-v3.0": 20, "wan2.1-i2v-720p": 12, "runway-gen4-turbo": 40, "kling-1.6-pro": 15,
            "veo3-fast": 240, "veo3": 500,
        ]
        for (id, credits) in prices {
            let model = try #require(catalog.model(named: id), "\(id) missing")
            #expect(model.pricing.credits(forDuration: 5) == credits, "\(id)")
        }
        for id in ["luma-ray3", "runway-gen4", "kling-2.6", "veo-3.1", "seedance-pro"] {
            #expect(catalog.model(named: id) != nil, "\(id) missing")
        }
        for id in ["local-camera-motion", "local-before-after", "local-social-reel"] {
            let model = try #require(catalog.model(named: id))
            #expect((1...2).contains(model.pricing.credits(forDuration: 10)))
            #expect(model.provider == "local")
        }
        #expect(catalog.model(named: "local-camera-motion")?.cameraMotions.count == CameraMotion.allCases.count)
    }

    @Test("the seeds' spellings resolve as aliases", arguments: [
        ("kling_3_0", "kling-v3.0"), ("veo_3_1", "veo-3.1"), ("luma_ray3", "luma-ray3"), ("runway_gen4", "runway-gen4"),
        ("veo3_fast", "veo3-fast"), ("veo-2", "veo-2"),
    ])
    func aliases(name: String, id: String) throws {
        #expect(try ModelCatalog.bundled().model(named: name)?.id == id)
    }

    @Test("per-second pricing charges each started second")
    func perSecond() throws {
        let seedance = try #require(try ModelCatalog.bundled().model(named: "seedance-pro"))
        #expect(seedance.pricing == .perSecond(7))
        #expect(seedance.pricing.credits(forDuration: 5) == 35)
        #expect(seedance.pricing.credits(forDuration: 5.5) == 42)
    }

    @Test("a bad catalog fails naming the entry")
    func badCatalogs() throws {
        func failure(_ change: @escaping (inout [String: Any]) -> Void) throws -> CatalogError {
            try #require(throws: CatalogError.self) { _ = try Self.decodeChanged(change) }
        }
        var error = try failure(Self.changeModel(6) { $0["speed"] = "fast" })
        #expect(error.entry == "models[6] (wan2.1-i2v-720p)" && error.problem.contains("unknown keys: speed"), "\(error)")

        error = try failure(Self.changeModel(7) { $0["id"] = "veo-2" })
        #expect(error.problem.contains("already used"), "\(error)")

        error = try failure(Self.changeModel(8) { $0["credits"] = ["flat": 0] })
        #expect(error.entry == "models[8] (kling-v3.0).credits", "\(error)")

        error = try failure(Self.changeModel(8) { $0["credits"] = ["flat": "twenty"] })
        #expect(error.entry == "models[8] (kling-v3.0).credits.flat", "\(error)")

        error = try failure(Self.changeModel(10) { $0["durations"] = ["min": 8, "max": 5] })
        #expect(error.entry == "models[10] (veo-2).durations", "\(error)")

        error = try failure(Self.changeModel(10) { $0["aspect_ratios"] = ["4:3"] })
        #expect(error.problem.contains("4:3"), "\(error)")

        error = try failure(Self.changeModel(10) { $0["quality_tier"] = "legendary" })
        #expect(error.problem.contains("legendary"), "\(error)")

        error = try failure(Self.changeModel(10) { $0.removeValue(forKey: "provider") })
        #expect(error.problem.contains("missing 'provider'"), "\(error)")

        error = try failure { $0["defaults"] = ["walkthrough": "veo-9"] }
        #expect(error.entry == "defaults.walkthrough", "\(error)")

        error = try failure { $0["defaults"] = ["timelapse": "veo-2"] }
        #expect(error.entry == "defaults.timelapse", "\(error)")

        #expect(throws: CatalogError.self) { _ = try ModelCatalog.decode(Data("not json".utf8)) }
    }
}
