import EventContracts
import Foundation

/// The models RoomReel knows, their tiers, and which model each video type uses by default.
/// Loaded from a JSON catalog file (the bundled `models.json` unless configured otherwise) and checked
/// at start-up: a bad file stops the service with a message naming the entry.
public struct ModelCatalog: Sendable {
    public let models: [VideoModel]
    /// Quality tiers, cheapest first.
    public let tiers: [String]
    public let defaults: [VideoType: String]
    private let byName: [String: Int]

    /// Builds a catalog, checking that ids and aliases are unique, every model's tier is listed, and
    /// every default names a model.
    public init(models: [VideoModel], tiers: [String], defaults: [VideoType: String]) throws(CatalogError) {
        var byName: [String: Int] = [:]
        for (index, model) in models.enumerated() {
            for name in [model.id] + model.aliases {
                if let other = byName[name] {
                    throw CatalogError(entry: "models[\(index)] (\(model.id))", problem: "name '\(name)' is already used by \(models[other].id)")
                }
                byName[name] = index
            }
            guard tiers.contains(model.qualityTier) else {
                throw CatalogError(entry: "models[\(index)] (\(model.id))", problem: "quality_tier '\(model.qualityTier)' is not one of tiers \(tiers)")
            }
        }
        for (type, id) in defaults where byName[id] == nil {
            throw CatalogError(entry: "defaults.\(type.rawValue)", problem: "names no model: '\(id)'")
        }
        self.models = models
        self.tiers = tiers
        self.defaults = defaults
        self.byName = byName
    }

    /// The model called `name` (its id or an alias), if the catalog has it.
    public func model(named name: String) -> VideoModel? {
        byName[name].map { models[$0] }
    }

    /// Position of `tier` in `tiers` (cheapest is 0).
    public func rank(ofTier tier: String) -> Int {
        tiers.firstIndex(of: tier) ?? tiers.count
    }

    /// The catalog that ships with RoomReel (`Shared/ModelCatalog/models.json`).
    public static func bundled() throws(CatalogError) -> ModelCatalog {
        guard let url = Bundle.module.url(forResource: "models", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            throw CatalogError(entry: "models.json", problem: "the bundled catalog is missing from the build")
        }
        return try decode(data)
    }

    /// Loads the catalog file at `path`.
    public static func load(path: String) throws(CatalogError) -> ModelCatalog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogError(entry: path, problem: "cannot be read")
        }
        return try decode(data)
    }

    /// Decodes and checks a catalog file's contents.
    public static func decode(_ data: Data) throws(CatalogError) -> ModelCatalog {
        do {
            return try CatalogFile.decode(data)
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError(entry: "catalog", problem: "is not valid JSON: \(error)")
        }
    }
}

/// What is wrong with a catalog file, naming the entry (`models[3] (veo-2)`, `defaults.walkthrough`).
public struct CatalogError: Error, CustomStringConvertible, Equatable {
    public let entry: String
    public let problem: String

    public init(entry: String, problem: String) {
        self.entry = entry
        self.problem = problem
    }

    public var description: String { "Model catalog error: \(entry) \(problem)" }
}
