import ObjectStorage
import ProviderBridge
import ServiceSettings
import Testing
import TestSupport

@Suite("Secret settings")
struct SecretSettingsTests {
    static let credentials = ["REPLICATE_API_TOKEN", "REPLICATE_WEBHOOK_SECRET", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "GOOGLE_API_KEY",
                              "LUMA_API_KEY", "RUNWAYML_API_SECRET", "BRIDGE_CALLBACK_SECRET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]

    @Test("provider-bridge and the S3 settings read every credential as a secret through swift-configuration, and nothing else")
    func bridgeCredentialsAreSecret() throws {
        var environment = Dictionary(uniqueKeysWithValues: Self.credentials.map { ($0, "value-of-\($0)-padded-to-thirty-two-bytes") })
        environment["REPLICATE_WEBHOOK_SECRET"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        environment.merge(["KAFKA_BROKERS": "127.0.0.1:9092", "S3_ENDPOINT": "http://127.0.0.1:9000", "S3_BUCKET": "videos",
                           "BRIDGE_HTTP_PORT": "8091"]) { $1 }
        let settings = RecordedSettings(environment)
        let bridge = try ProviderBridgeConfiguration.fromEnvironment(settings.reader)
        _ = try S3Settings.fromEnvironment(settings.reader)
        #expect(bridge.httpPort == 8091)
        let reads = settings.secretByVariable
        for name in Self.credentials {
            #expect(reads[name] == true, "\(name): \(reads[name].map(String.init(describing:)) ?? "not read")")
        }
        for name in ["KAFKA_BROKERS", "S3_ENDPOINT", "S3_BUCKET", "BRIDGE_HTTP_PORT"] {
            #expect(reads[name] == false, "\(name)")
        }
    }

    @Test("a Kling secret key shorter than HS256's 32 bytes stops start-up naming KLING_SECRET_KEY")
    func shortKlingKey() {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try ProviderSettings.fromEnvironment(EnvironmentReader(["KLING_ACCESS_KEY": "ak", "KLING_SECRET_KEY": "too-short"]))
        }
        #expect(error?.variable == "KLING_SECRET_KEY")
    }
}
