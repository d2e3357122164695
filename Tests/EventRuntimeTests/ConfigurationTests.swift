import EventContracts
import EventRuntime
import Foundation
import ModelCatalog
import ServiceSettings
import Testing
import TestSupport

@Suite("Configuration")
struct ConfigurationTests {
    @Test("a missing required variable fails naming the variable")
    func missingRequired() {
        #expect(throws: ConfigurationError(variable: "KAFKA_BROKERS", problem: "is required but not set")) {
            _ = try CommonConfiguration.fromEnvironment(EnvironmentReader([:]))
        }
    }

    @Test("a malformed variable fails naming the variable and the bad value")
    func malformed() throws {
        let reader = EnvironmentReader(["KAFKA_BROKERS": "127.0.0.1:9092", "LOG_LEVEL": "loud", "INGRESS_PORT": "http"])
        let logError = try #require(throws: ConfigurationError.self) { _ = try CommonConfiguration.fromEnvironment(reader) }
        #expect(logError.variable == "LOG_LEVEL")
        #expect(logError.description.contains("loud"))
        let portError = try #require(throws: ConfigurationError.self) { _ = try reader.integer("INGRESS_PORT", default: 8080, in: 0...65535) }
        #expect(portError.variable == "INGRESS_PORT")
        #expect(throws: ConfigurationError.self) {
            _ = try EnvironmentReader(["INGRESS_PORT": "70000"]).integer("INGRESS_PORT", default: 8080, in: 0...65535)
        }
    }

    @Test("defaults apply when variables are unset, and set values win")
    func defaultsAndValues() throws {
        let defaults = try CommonConfiguration.fromEnvironment(EnvironmentReader(["KAFKA_BROKERS": "k:9092"]))
        #expect(defaults.kafkaBrokers == "k:9092")
        #expect(defaults.logLevel == .info)
        #expect(defaults.storageDirectory.path.hasSuffix("data/storage"))
        let set = try CommonConfiguration.fromEnvironment(EnvironmentReader([
            "KAFKA_BROKERS": "k:9092", "ROOMREEL_DATA_DIR": "/srv/rr", "LOG_LEVEL": "DEBUG", "ROOMREEL_FAULTS": "a.b, c.d",
        ]))
        #expect(set.databasePath(service: "billing") == "/srv/rr/billing.sqlite")
        #expect(set.logLevel == .debug)
        #expect(set.faults.isArmed("c.d"))
        #expect(!set.faults.isArmed("e.f"))
    }

    @Test("consumers get a 3 s session timeout and a 500 ms fetch wait unless told otherwise, and a static member name per group when given one")
    func groupMembership() throws {
        let defaults = try CommonConfiguration.fromEnvironment(EnvironmentReader(["KAFKA_BROKERS": "k:9092"]))
        #expect(defaults.consumers.properties(groupID: "billing") == [
            "session.timeout.ms": "3000", "heartbeat.interval.ms": "1000", "fetch.wait.max.ms": "500",
        ])
        let set = try CommonConfiguration.fromEnvironment(EnvironmentReader([
            "KAFKA_BROKERS": "k:9092", "KAFKA_SESSION_TIMEOUT_MS": "10000", "KAFKA_GROUP_INSTANCE_ID": "billing-0", "KAFKA_FETCH_WAIT_MS": "5",
        ]))
        #expect(set.consumers.properties(groupID: "billing.providers") == [
            "session.timeout.ms": "10000", "heartbeat.interval.ms": "3333", "group.instance.id": "billing-0.billing.providers",
            "fetch.wait.max.ms": "5",
        ])
        for bad in ["500", "3s", "400000"] {
            let error = try #require(throws: ConfigurationError.self) {
                _ = try CommonConfiguration.fromEnvironment(EnvironmentReader(["KAFKA_BROKERS": "k:9092", "KAFKA_SESSION_TIMEOUT_MS": bad]))
            }
            #expect(error.variable == "KAFKA_SESSION_TIMEOUT_MS")
        }
        let error = try #require(throws: ConfigurationError.self) {
            _ = try CommonConfiguration.fromEnvironment(EnvironmentReader(["KAFKA_BROKERS": "k:9092", "KAFKA_FETCH_WAIT_MS": "-1"]))
        }
        #expect(error.variable == "KAFKA_FETCH_WAIT_MS")
    }

    @Test("name:value lists parse, and a malformed item names the variable")
    func pairs() throws {
        let reader = EnvironmentReader(["GRANTS": "dev:1000, acme:50", "BAD": "dev:1000,acme"])
        let parsed = try reader.pairs("GRANTS")
        #expect(parsed.map(\.0) == ["dev", "acme"])
        #expect(parsed.map(\.1) == ["1000", "50"])
        let error = try #require(throws: ConfigurationError.self) { _ = try reader.pairs("BAD") }
        #expect(error.variable == "BAD")
    }
}

@Suite("Hex encoding")
struct HexEncodingTests {
    @Test("bytes become two lower-case hex digits each")
    func hex() {
        #expect([UInt8]([0x00, 0x0f, 0xa5, 0xff]).hexEncoded == "000fa5ff")
        #expect([UInt8]().hexEncoded == "")
    }
}
