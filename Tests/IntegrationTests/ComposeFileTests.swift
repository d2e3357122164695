import Foundation
import TestSupport
import Testing
import Yams

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

    @Test("secrets come from the host's environment, each only to the services that use it")
    func secretsPassThrough() throws {
        let secrets = [
            "REPLICATE_API_TOKEN": "r8_host", "KLING_ACCESS_KEY": "kling-host-a", "KLING_SECRET_KEY": "kling-host-s",
            "GOOGLE_API_KEY": "google-host", "LUMA_API_KEY": "luma-host", "RUNWAYML_API_SECRET": "runway-host",
            "INGRESS_ADMIN_TOKEN": "admin-token-from-the-host-0123", "INGRESS_JWT_SECRET": "jwt-secret-from-the-host-0123456789",
            "S3_SECRET_ACCESS_KEY": "s3-host-secret",
        ]
        let exports = secrets.map { "\($0.key)=\($0.value)" }
        let rendered = try runTool("env", exports + ["docker-compose", "-f", "compose.yaml", "config"], in: BuiltProducts.packageRoot)
        #expect(rendered.status == 0, "\(rendered.output)")
        let document = try #require(try Yams.load(yaml: rendered.output) as? [String: Any])
        let services = try #require(document["services"] as? [String: Any])
        func environment(_ service: String) -> [String: String] {
            let entry = (services[service] as? [String: Any])?["environment"] as? [String: Any] ?? [:]
            return entry.mapValues { "\($0)" }
        }
        let users: [String: Set<String>] = [
            "REPLICATE_API_TOKEN": ["provider-bridge"], "KLING_ACCESS_KEY": ["provider-bridge"], "KLING_SECRET_KEY": ["provider-bridge"],
            "GOOGLE_API_KEY": ["provider-bridge"], "LUMA_API_KEY": ["provider-bridge"], "RUNWAYML_API_SECRET": ["provider-bridge"],
            "INGRESS_ADMIN_TOKEN": ["api-ingress"], "INGRESS_JWT_SECRET": ["api-ingress"],
            "S3_SECRET_ACCESS_KEY": ["api-ingress", "storage-uploader"],
        ]
        // The second replicas get what their first replicas get.
        let replicas = ["api-ingress-2", "model-router-2", "billing-2", "provider-bridge-2", "storage-uploader-2"]
        #expect(Set(replicas).isSubset(of: Set(services.keys)))
        for service in ["api-ingress", "model-router", "billing", "provider-bridge", "storage-uploader"] + replicas {
            let settings = environment(service)
            let role = service.hasSuffix("-2") ? String(service.dropLast(2)) : service
            if service.hasSuffix("-2") {
                #expect(settings["REPLICA_ID"] == "2" && settings["KAFKA_GROUP_INSTANCE_ID"] == service, "\(service): \(settings)")
            }
            for (secret, value) in secrets {
                let expected = users[secret]?.contains(role) ?? false
                #expect((settings[secret] == value) == expected && (settings[secret] != nil) == expected,
                        "\(service) \(expected ? "lacks" : "has") \(secret)")
            }
        }
    }
}
