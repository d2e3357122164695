import ArgumentParser
import EventContracts
import EventRuntime
import Foundation
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

    func run() async throws {
        let cluster = try KafkaMockCluster(brokers: brokers, topics: EventType.allTopics, partitions: partitions)
        FileHandle.standardOutput.write(Data("\(cluster.bootstrapServers)\n".utf8))
        let logger = Logger(label: "roomreel.kafka-mock")
        try await ServiceMain.serviceGroup([MockClusterService(cluster: cluster)], logger: logger).run()
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
