import Foundation
import Logging
import ServiceLifecycle
import ServiceSettings

/// The body of every executable's `main`: build the service group from the environment, run it until
/// SIGTERM or SIGINT, and exit non-zero with a message naming the variable when configuration is bad.
public enum ServiceMain {
    public static func run(service: String, build: (EnvironmentReader) throws -> ServiceGroup) async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let group: ServiceGroup
        do {
            group = try build(EnvironmentReader())
        } catch {
            FileHandle.standardError.write(Data("\(service): \(error)\n".utf8))
            exit(1)
        }
        do {
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("\(service): stopped with error: \(error)\n".utf8))
            exit(1)
        }
    }

    /// A service group that shuts down gracefully on SIGTERM and SIGINT.
    public static func serviceGroup(_ services: [any Service], logger: Logger) -> ServiceGroup {
        ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
    }
}
