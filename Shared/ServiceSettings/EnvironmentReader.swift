import Configuration
import Foundation

/// A setting that is missing or malformed; start-up stops with this message, which names the variable.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "Configuration error: \(variable) \(problem)" }
}

/// Reads typed settings, once, at start-up, through swift-configuration's `ConfigReader` over the
/// environment. Settings are named by their environment variable (`INGRESS_JWT_SECRET` is the key
/// `ingress.jwt.secret`); reads of credentials pass `secret: true`, so that swift-configuration
/// redacts them wherever it reports a value.
///
/// Malformed values fail start-up naming the variable, rather than falling back to the default as
/// `ConfigReader`'s `default:` reads do: a typo in a deployed setting must not go unnoticed.
public struct EnvironmentReader: Sendable {
    private let reader: ConfigReader

    /// Reads from `values`, the process environment by default.
    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        reader = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: values))
    }

    /// Reads from any swift-configuration provider (a file, several providers in order).
    public init(_ reader: ConfigReader) {
        self.reader = reader
    }

    /// The configuration key of an environment variable's name.
    static func key(_ name: String) -> ConfigKey {
        ConfigKey(name.lowercased().split(separator: "_").map(String.init))
    }

    /// The variable's value, or `defaultValue` when it is unset or empty.
    public func string(_ name: String, default defaultValue: String) -> String {
        optionalString(name) ?? defaultValue
    }

    /// The variable's value, or nil when it is unset or empty. `secret` marks a credential.
    public func optionalString(_ name: String, secret: Bool = false) -> String? {
        guard let value = reader.string(forKey: Self.key(name), isSecret: secret)?.trimmingCharacters(in: .whitespaces), !value.isEmpty
        else { return nil }
        return value
    }

    /// The variable's value; throws naming the variable when it is unset or empty. `secret` marks a credential.
    public func requiredString(_ name: String, secret: Bool = false) throws -> String {
        guard let value = optionalString(name, secret: secret) else {
            throw ConfigurationError(variable: name, problem: "is required but not set")
        }
        return value
    }

    /// An integer within `range`, or `defaultValue` when unset; throws naming the variable when malformed.
    public func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = optionalString(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// A list of `name:value` pairs separated by commas (e.g. `dev:1000,acme:50`).
    public func pairs(_ name: String, secret: Bool = false) throws -> [(String, String)] {
        guard let text = optionalString(name, secret: secret) else { return [] }
        return try text.split(separator: ",").map { item in
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ConfigurationError(variable: name, problem: "must be a comma-separated list of name:value pairs, got '\(item)'")
            }
            return (parts[0], parts[1])
        }
    }

    /// An absolute http(s) URL, or `defaultValue` when unset; throws naming the variable when malformed.
    public func httpURL(_ name: String, default defaultValue: URL?) throws -> URL? {
        guard let text = optionalString(name) else { return defaultValue }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw ConfigurationError(variable: name, problem: "must be an absolute http or https URL, got '\(text)'")
        }
        return url
    }
}
