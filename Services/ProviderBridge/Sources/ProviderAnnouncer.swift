import EventContracts
import EventRuntime
import Foundation
import Logging
import ServiceLifecycle

/// Tells model-router and api-ingress which providers this bridge serves (`providers.announced`):
/// those it has a client and credentials for, and the local renderer. It announces at start and
/// renews every interval; each announcement holds for three intervals, so the models of a bridge
/// that stopped stop being offered, while a restart in between changes nothing. Through the outbox,
/// like every event.
struct ProviderAnnouncer: Service {
    let database: ServiceDatabase
    let bridgeID: String
    let providers: [String]
    let interval: Duration
    let logger: Logger

    var announcement: ProvidersAnnounced {
        ProvidersAnnounced(bridgeID: bridgeID, providers: providers, validForSeconds: Int((interval.seconds * 3).rounded(.up)))
    }

    func run() async throws {
        logger.notice("Announcing the providers this bridge serves", metadata: ["bridge": "\(bridgeID)", "providers": "\(providers.sorted().joined(separator: ","))"])
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await database.pool.write { [announcement, bridgeID] db in
                    try Outbox.enqueue(EventEnvelope(source: providerBridgeServiceName, subject: bridgeID, workspaceID: "", data: announcement), in: db)
                }
            } catch {
                logger.error("Could not announce the providers; trying again next interval", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
