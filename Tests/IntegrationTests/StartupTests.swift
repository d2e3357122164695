import Foundation
import TestSupport
import Testing

@Suite("Executables start-up and shutdown")
struct StartupTests {
    @Test("a missing or malformed setting stops each executable at start-up with a message naming the variable",
          arguments: Pipeline.serviceNames)
    func badConfiguration(service: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_BROKERS"] = nil
        environment["ROOMREEL_DATA_DIR"] = directory.url.path
        let missing = try ServiceProcess(executable: BuiltProducts.executable(service), environment: environment,
                                         logDirectory: directory.url, name: service)
        let missingExit = try await missing.exit()
        #expect(missingExit.status == 1 && !missingExit.bySignal)
        #expect(missing.output.contains("KAFKA_BROKERS"), "\(missing.output)")

        environment["KAFKA_BROKERS"] = "127.0.0.1:1"
        environment["LOG_LEVEL"] = "chatty"
        let malformed = try ServiceProcess(executable: BuiltProducts.executable(service), environment: environment,
                                           logDirectory: directory.url, name: service)
        #expect(try await malformed.exit().status == 1)
        #expect(malformed.output.contains("LOG_LEVEL") && malformed.output.contains("chatty"), "\(malformed.output)")
    }

    @Test("provider-bridge refuses a bad webhook secret or provider URL; provider-sim a bad fault list, naming the variable",
          arguments: [
              ("provider-bridge", "REPLICATE_WEBHOOK_SECRET", "not-a-secret"),
              ("provider-bridge", "KLING_BASE_URL", "ftp://kling"),
              ("provider-bridge", "BRIDGE_HTTP_PORT", "99999"),
              ("provider-sim", "PROVIDER_SIM_FAULTS", "{\"lose_webhooks\": \"sometimes\"}"),
          ])
    func badProviderSettings(executable: String, variable: String, value: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_BROKERS"] = "127.0.0.1:1"
        environment["ROOMREEL_DATA_DIR"] = directory.url.path
        environment["PROVIDER_SIM_DIR"] = directory.url.path
        environment["PROVIDER_SIM_PORT"] = "0"
        environment[variable] = value
        let process = try ServiceProcess(executable: BuiltProducts.executable(executable), environment: environment,
                                         logDirectory: directory.url, name: executable)
        let exit = try await process.exit()
        #expect(exit.status == 1 && !exit.bySignal)
        #expect(process.output.contains(variable), "\(process.output)")
    }
}
