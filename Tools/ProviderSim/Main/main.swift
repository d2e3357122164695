import Foundation
import Logging
import OutboundHTTP
import ProviderSim
import ServiceLifecycle
import ServiceSettings
import Signing

// provider-sim: PROVIDER_SIM_PORT (default 8070), PROVIDER_SIM_DIR (default ./data/provider-sim),
// PROVIDER_SIM_WEBHOOK_SECRET (whsec_…; made up when unset, and printed), PROVIDER_SIM_FAULTS (a JSON
// object of SimulatorFaults, e.g. {"duplicate_webhooks": true}).
LoggingSystem.bootstrap(StreamLogHandler.standardError)
let environment = EnvironmentReader()
do {
    var faults = SimulatorFaults()
    if let text = environment.optionalString("PROVIDER_SIM_FAULTS") {
        do {
            faults = try JSONDecoder().decode(SimulatorFaults.self, from: Data(text.utf8))
        } catch {
            throw ConfigurationError(variable: "PROVIDER_SIM_FAULTS", problem: "must be a JSON object of fault settings: \(error)")
        }
    }
    let secret = environment.optionalString("PROVIDER_SIM_WEBHOOK_SECRET", secret: true) ?? StandardWebhookSignature.generateSecret()
    guard StandardWebhookSignature(secret: secret) != nil else {
        throw ConfigurationError(variable: "PROVIDER_SIM_WEBHOOK_SECRET", problem: "must be whsec_ followed by base64 of at least 16 bytes")
    }
    let simulator = ProviderSimulator(configuration: .init(
        host: environment.string("PROVIDER_SIM_HOST", default: "127.0.0.1"),
        port: try environment.integer("PROVIDER_SIM_PORT", default: 8070, in: 0...65_535), webhookSecret: secret,
        workDirectory: URL(fileURLWithPath: environment.string("PROVIDER_SIM_DIR", default: "./data/provider-sim")),
        ffmpegPath: environment.string("FFMPEG_PATH", default: "ffmpeg"), faults: faults))
    try ListeningPort.ensureAvailable(host: simulator.configuration.host, port: simulator.configuration.port, setting: "PROVIDER_SIM_PORT")
    let logger = Logger(label: "provider-sim")
    let group = ServiceGroup(configuration: .init(services: [simulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        tasks.addTask {
            let url = await simulator.baseURL()
            // Unbuffered, as the services announce their ports: a script reading a file sees it at once.
            FileHandle.standardOutput.write(Data("provider-sim listening on \(url.absoluteString)\nReplicate webhook secret: \(secret)\n".utf8))
        }
        try await tasks.waitForAll()
    }
} catch {
    FileHandle.standardError.write(Data("provider-sim: \(error)\n".utf8))
    exit(1)
}
