@testable import APIIngress
import ModelCatalog
import ServiceSettings
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

    @Test("the compatibility routes' prices are the seeds' unless COMPAT_PRICES overrides them; a malformed entry stops start-up naming the variable")
    func compatPrices() throws {
        let defaults = try IngressConfiguration.fromEnvironment(RecordedSettings(["KAFKA_BROKERS": "127.0.0.1:9092"]).reader).compat
        #expect(defaults.prices.credits(route: "roomai", modelID: "veo-2") == 10)
        #expect(defaults.prices.credits(route: "veo3-api", modelID: "veo3-fast") == 240 && defaults.prices.credits(route: "veo3-api", modelID: "veo3") == 500)
        #expect(defaults.prices.credits(route: "interior-video", modelID: "seedance-pro") == nil)
        #expect(defaults.interiorWaitSeconds == 55 && defaults.openAIDefaultModel == "kling-v3.0")

        let overridden = try IngressConfiguration.fromEnvironment(RecordedSettings([
            "KAFKA_BROKERS": "127.0.0.1:9092", "COMPAT_PRICES": "roomai/*:12,veo3-api/veo3-fast:200", "COMPAT_INTERIOR_WAIT_SECONDS": "5",
        ]).reader).compat
        #expect(overridden.prices.credits(route: "roomai", modelID: "kling-v3.0") == 12)
        #expect(overridden.prices.credits(route: "veo3-api", modelID: "veo3-fast") == 200 && overridden.prices.credits(route: "veo3-api", modelID: "veo3") == 500)
        #expect(overridden.interiorWaitSeconds == 5)

        for bad in ["roomai/*:ten", "nowhere/*:10", "roomai:10"] {
            let error = #expect(throws: ConfigurationError.self, "\(bad)") {
                try IngressConfiguration.fromEnvironment(RecordedSettings(["KAFKA_BROKERS": "127.0.0.1:9092", "COMPAT_PRICES": bad]).reader)
            }
            #expect(error?.variable == "COMPAT_PRICES", "\(bad)")
        }
    }
}
