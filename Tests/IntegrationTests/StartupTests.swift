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

@Suite("A taken port")
struct TakenPortTests {
    @Test("a port another socket holds stops start-up with one line naming the port and the setting that chooses it",
          arguments: [("api-ingress", "INGRESS_PORT"), ("provider-bridge", "BRIDGE_HTTP_PORT"), ("provider-sim", "PROVIDER_SIM_PORT")])
    func takenPort(executable: String, variable: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let holder = try HeldPort()
        defer { holder.release() }
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_BROKERS"] = "127.0.0.1:1"
        environment["ROOMREEL_DATA_DIR"] = directory.url.path
        environment["PROVIDER_SIM_DIR"] = directory.url.path
        environment[variable] = String(holder.port)
        let process = try ServiceProcess(executable: BuiltProducts.executable(executable), environment: environment,
                                         logDirectory: directory.url, name: executable)
        let exit = try await process.exit()
        #expect(exit.status == 1 && !exit.bySignal)
        let lines = process.output.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("port \(holder.port)") && lines[0].contains(variable), "\(process.output)")
    }
}

/// A loopback port held by a listening socket for as long as the test needs it taken.
struct HeldPort {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(bound)
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() { close(descriptor) }
}
