import Configuration
import ServiceSettings
import Synchronization

/// An `EnvironmentReader` over `environment` that records each setting it is asked for, so that a
/// test can check which reads were marked secret.
public final class RecordedSettings: AccessReporter, Sendable {
    private let reads = Mutex<[String: Bool]>([:])
    public let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    public var reader: EnvironmentReader {
        EnvironmentReader(ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment), accessReporter: self))
    }

    public func report(_ event: AccessEvent) {
        guard case .success(let value?) = event.result else { return }
        let name = event.metadata.key.components.joined(separator: "_").uppercased()
        reads.withLock { $0[name, default: false] = $0[name, default: false] || value.isSecret }
    }

    /// Each variable that was read and set, and whether its read was marked secret.
    public var secretByVariable: [String: Bool] { reads.withLock { $0 } }
}
