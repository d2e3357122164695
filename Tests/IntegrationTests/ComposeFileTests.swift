import Foundation
import TestSupport
import Testing

@Suite("compose.yaml")
struct ComposeFileTests {
    @Test("docker-compose accepts compose.yaml, which runs Kafka (KRaft), MinIO and the five services from docker/")
    func composeConfigIsValid() throws {
        let root = BuiltProducts.packageRoot
        let check = try runTool("docker-compose", ["-f", "compose.yaml", "config", "-q"], in: root)
        #expect(check.status == 0, "\(check.output)")

        let rendered = try runTool("docker-compose", ["-f", "compose.yaml", "config", "--services"], in: root)
        let services = Set(rendered.output.split(separator: "\n").map(String.init))
        #expect(services.isSuperset(of: ["kafka", "minio", "api-ingress", "model-router", "billing", "provider-bridge", "storage-uploader"]))

        let full = try runTool("docker-compose", ["-f", "compose.yaml", "config"], in: root).output
        #expect(full.contains("KAFKA_PROCESS_ROLES: broker,controller"))
        #expect(full.contains("dockerfile: docker/Dockerfile"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("docker/Dockerfile").path))
    }
}
