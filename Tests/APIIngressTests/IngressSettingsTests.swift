@testable import APIIngress
import ModelCatalog
import Testing
import TestSupport

@Suite("api-ingress settings")
struct IngressSettingsTests {
    @Test("api-ingress reads its admin token, JWT secret and bootstrap keys as secrets through swift-configuration")
    func credentialsAreSecret() throws {
        let settings = RecordedSettings(["KAFKA_BROKERS": "127.0.0.1:9092", "INGRESS_ADMIN_TOKEN": "admin-token-of-twenty-four-bytes", "INGRESS_JWT_SECRET": "jwt-secret-of-thirty-two-bytes-or-more",
                                         "INGRESS_BOOTSTRAP_API_KEYS": "dev:rr_dev", "INGRESS_PORT": "8081"])
        let config = try IngressConfiguration.fromEnvironment(settings.reader)
        #expect(config.port == 8081 && config.jwtSecret == "jwt-secret-of-thirty-two-bytes-or-more")
        let reads = settings.secretByVariable
        for name in ["INGRESS_ADMIN_TOKEN", "INGRESS_JWT_SECRET", "INGRESS_BOOTSTRAP_API_KEYS"] {
            #expect(reads[name] == true, "\(name)")
        }
        #expect(reads["INGRESS_PORT"] == false && reads["KAFKA_BROKERS"] == false)
    }

    @Test("api-ingress never reads a provider's credentials: which providers it offers comes from provider-bridge's announcements")
    func noProviderSecrets() throws {
        let credentials = ProviderAvailability.credentialVariables.values.flatMap { $0 }
        let settings = RecordedSettings(Dictionary(uniqueKeysWithValues: credentials.map { ($0, "set-\($0)-with-enough-bytes-for-any-check") })
                                        .merging(["KAFKA_BROKERS": "127.0.0.1:9092"]) { $1 })
        _ = try IngressConfiguration.fromEnvironment(settings.reader)
        #expect(Set(settings.secretByVariable.keys).isDisjoint(with: credentials), "\(settings.secretByVariable.keys.sorted())")
    }
}
