import ArgumentParser
import EventContracts
import EventRuntime
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `roomreel kafka-mock`: a standalone librdkafka mock cluster for running the five executables as
/// separate processes (and for tests) without installing a broker.
struct KafkaMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-mock",
        abstract: "Run a librdkafka mock cluster with RoomReel's topics; prints its bootstrap servers first."
    )

    @Option(help: "Number of brokers.")
    var brokers: Int = 3

    @Option(help: "Partitions per topic.")
    var partitions: Int = 3

    @Option(help: "Serve the fault controls (broker down/up, latency, leader moves, request errors) on this loopback port (0: any free port, printed as 'control http://127.0.0.1:PORT').")
    var controlPort: Int?

    func run() async throws {
        let cluster = try KafkaMockCluster(brokers: brokers, topics: EventType.allTopics, partitions: partitions)
        FileHandle.standardOutput.write(Data("\(cluster.bootstrapServers)\n".utf8))
        let logger = Logger(label: "roomreel.kafka-mock")
        var services: [any Service] = [MockClusterService(cluster: cluster)]
        if let controlPort {
            services.append(Application(
                router: KafkaMockControl(cluster: cluster, brokers: brokers).router(),
                configuration: .init(address: .hostname("127.0.0.1", port: controlPort), serverName: "roomreel-kafka-mock"),
                onServerRunning: { channel in
                    FileHandle.standardOutput.write(Data("control http://127.0.0.1:\(channel.localAddress?.port ?? controlPort)\n".utf8))
                },
                logger: logger))
        }
        try await ServiceMain.serviceGroup(services, logger: logger).run()
    }
}

/// Keeps a mock cluster alive until graceful shutdown.
struct MockClusterService: Service {
    let cluster: KafkaMockCluster

    func run() async throws {
        try? await gracefulShutdown()
        withExtendedLifetime(cluster) {}
    }
}
