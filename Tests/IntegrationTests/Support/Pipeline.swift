import EventContracts
import EventRuntime
import Foundation
import FoundationNetworking
import GRDB
import ModelCatalog
import OutboundHTTP
import Testing
import TestSupport
#if canImport(FoundationNetworking)
#endif

/// The whole system as separate processes: `roomreel kafka-mock` and the five service executables,
/// sharing one data folder (each service its own SQLite file; storage on local disk), talking only
/// over the mock cluster's real Kafka protocol and api-ingress's HTTP port.
final class Pipeline: @unchecked Sendable {
    // Mutated only by the test that owns the pipeline, one step at a time.
    static let workspace = "ws-it"
    static let credits: Int64 = 100
    let apiKey = "rr_it_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let directory: TemporaryDirectory
    let brokers: String
    /// The mock cluster's fault controls (`roomreel kafka-mock --control-port`).
    let kafkaControl: String
    private(set) var baseURL = ""
    private let kafka: ServiceProcess
    private var services: [String: ServiceProcess] = [:]

    static let serviceNames = ["api-ingress", "model-router", "billing", "provider-bridge", "storage-uploader"]

    /// Starts everything; `faults` arms fault points per service (`ROOMREEL_FAULTS`); `environment`
    /// adds variables to every service's environment; `partitions` is each topic's partition count
    /// (`KAFKA_PARTITIONS`).
    static func start(faults: [String: String] = [:], environment: [String: String] = [:], partitions: Int = 3) async throws -> Pipeline {
        let directory = try TemporaryDirectory()
        let kafka = try ServiceProcess(executable: BuiltProducts.executable("roomreel"),
                                       arguments: ["kafka-mock", "--brokers", "3", "--partitions", "\(partitions)", "--control-port", "0"],
                                       environment: ProcessInfo.processInfo.environment, logDirectory: directory.url, name: "kafka-mock")
        let brokers = try await kafka.line(startingWith: "127.0.0.1:")
        let control = try await kafka.line(startingWith: "control ")
        let pipeline = Pipeline(directory: directory, kafka: kafka, brokers: brokers, kafkaControl: String(control.dropFirst("control ".count)),
                                extraEnvironment: environment.merging(["KAFKA_PARTITIONS": "\(partitions)"]) { own, _ in own })
        do {
            for name in serviceNames {
                try pipeline.start(name, faults: faults[name])
            }
            let announced = try await pipeline.services["api-ingress"]!.line(startingWith: "api-ingress listening on port ")
            pipeline.baseURL = "http://127.0.0.1:\(announced.split(separator: " ").last!)"
            try await pipeline.awaitAnnouncedProviders()
            for service in serviceNames {
                try await pipeline.awaitShards(service, count: partitions)
            }
        } catch {
            await pipeline.stop()
            throw error
        }
        return pipeline
    }

    /// Starts a pipeline, runs `body` with it and stops it; if `body` throws, every process's log is
    /// attached to the failure.
    static func with(faults: [String: String] = [:], environment: [String: String] = [:], partitions: Int = 3,
                     _ body: (Pipeline) async throws -> Void) async throws {
        let pipeline = try await start(faults: faults, environment: environment, partitions: partitions)
        do {
            try await body(pipeline)
        } catch {
            Issue.record("pipeline logs:\n\(pipeline.logs)")
            await pipeline.stop()
            throw error
        }
        await pipeline.stop()
    }

    private let extraEnvironment: [String: String]

    private init(directory: TemporaryDirectory, kafka: ServiceProcess, brokers: String, kafkaControl: String, extraEnvironment: [String: String]) {
        self.kafkaControl = kafkaControl
        self.directory = directory
        self.kafka = kafka
        self.brokers = brokers
        self.extraEnvironment = extraEnvironment
    }

    /// The remote providers whose credentials the services were given: the ones provider-bridge
    /// will announce.
    var credentialedProviders: Set<String> {
        let environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { _, extra in extra }
        return Set(ProviderAvailability.credentialVariables.filter { provider, variables in
            provider != "fal" && variables.allSatisfy { environment[$0]?.isEmpty == false }
        }.keys)
    }

    /// Waits until api-ingress offers a model of every provider provider-bridge has credentials for,
    /// that is until it has heard the bridge's announcement (model-router waits for it by itself).
    func awaitAnnouncedProviders() async throws {
        let expected = credentialedProviders
        guard !expected.isEmpty else { return }
        try await eventually("api-ingress to hear provider-bridge announce \(expected.sorted())") {
            let models = try await get("/v1/models").json["models"] as? [[String: Any]] ?? []
            let offered = Set(models.compactMap { $0["available"] as? Bool == true ? $0["provider"] as? String : nil })
            return expected.isSubset(of: offered) ? true : nil
        }
    }

    /// Starts (or restarts) one service executable; with `replica`, a further replica of it
    /// (`REPLICA_ID`), known as `<name>#<replica>`.
    @discardableResult
    func start(_ name: String, replica: String? = nil, faults: String? = nil, environment overrides: [String: String] = [:]) throws -> ServiceProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_BROKERS"] = brokers
        environment["ROOMREEL_DATA_DIR"] = directory.url.path
        environment["LOG_LEVEL"] = "info"
        environment["ROOMREEL_FAULTS"] = faults ?? ""
        environment["INGRESS_PORT"] = "0"
        environment["BRIDGE_HTTP_PORT"] = "0"
        environment["INGRESS_BOOTSTRAP_API_KEYS"] = "\(Self.workspace):\(apiKey)"
        environment["BILLING_BOOTSTRAP_GRANTS"] = "\(Self.workspace):\(Self.credits)"
        environment["REPLICA_ID"] = replica ?? "0"
        environment.merge(extraEnvironment) { _, extra in extra }
        environment.merge(overrides) { _, override in override }
        let key = replica.map { "\(name)#\($0)" } ?? name
        let process = try ServiceProcess(executable: BuiltProducts.executable(name), environment: environment,
                                         logDirectory: directory.url, name: key)
        services[key] = process
        return process
    }

    /// A started process, by name (`<name>#<replica>` for a further replica).
    func process(_ name: String) -> ServiceProcess { services[name]! }

    /// The replica recorded as owner in each of a sharded service's shard files, in shard order.
    func shardOwners(_ service: String) -> [String] {
        ShardSet.owners(in: directory.url.appendingPathComponent(service)).map { $0 ?? "" }
    }

    /// Points the HTTP helpers at a restarted api-ingress's port.
    func useIngressPort(_ port: String) {
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// Points the HTTP helpers at one api-ingress replica (`http://host:port`).
    func useIngressURL(_ url: String) {
        baseURL = url
    }

    /// Stops every process (SIGTERM) and removes the data folder.
    func stop() async {
        for process in services.values { await process.stop() }
        await kafka.stop()
        directory.remove()
    }

    /// Every process's log, for a failure message.
    var logs: String {
        ([kafka] + services.values).map { "=== \($0.name) ===\n\($0.output)" }.joined(separator: "\n")
    }

    // MARK: HTTP

    struct Reply {
        let status: Int
        let json: [String: Any]
        let body: Data
        /// Response headers, names lower-cased.
        var headers: [String: String] = [:]

        /// `error.code` of an error answer.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// `POST /v1/videos` with the given form fields and, unless nil, the sample photo as `image`.
    func submit(fields: [(String, String)], image: Data? = try? Data(contentsOf: BuiltProducts.samplePhoto), key: String? = nil,
                headers: [String: String] = [:]) async throws -> Reply {
        try await submit(fields: fields, files: image.map { [("image", $0)] } ?? [], key: key, headers: headers)
    }

    /// `POST /v1/videos` with the given form fields and photos, each under its form field.
    func submit(fields: [(String, String)], files: [(field: String, data: Data)], key: String? = nil,
                headers: [String: String] = [:]) async throws -> Reply {
        let form = MultipartBody(fields: fields, files: files.map { (name: $0.field, filename: "room.jpg", contentType: "image/jpeg", data: $0.data) })
        var request = URLRequest(url: URL(string: "\(baseURL)/v1/videos")!)
        request.httpMethod = "POST"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue("Bearer \(key ?? apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue(form.contentType, forHTTPHeaderField: "Content-Type")
        let (body, response) = try await URLSession.shared.upload(for: request, from: form.data)
        return Self.reply(body, response)
    }

    /// `GET` of a path under the API's base URL.
    /// `POST` a JSON body to a path with a bearer token and extra headers.
    func postJSON(_ path: String, _ body: String, bearer: String?, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "\(baseURL)\(path)")!)
        request.httpMethod = "POST"
        // Longer than the longest `Prefer: wait` (60 s), so the server answers before the client gives up.
        request.timeoutInterval = 120
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.upload(for: request, from: Data(body.utf8))
        return Self.reply(data, response)
    }

    func get(_ path: String, key: String? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: path.hasPrefix("http") ? path : "\(baseURL)\(path)")!)
        request.setValue("Bearer \(key ?? apiKey)", forHTTPHeaderField: "Authorization")
        let (body, response) = try await URLSession.shared.data(for: request)
        return Self.reply(body, response)
    }

    /// Any request: method, path under the API (or a full URL), body, headers as given (no
    /// Authorization unless among them).
    func send(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: path.hasPrefix("http") ? path : "\(baseURL)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 120
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = if let body {
            try await URLSession.shared.upload(for: request, from: body)
        } else {
            try await URLSession.shared.data(for: request)
        }
        return Self.reply(data, response)
    }

    private static func reply(_ body: Data, _ response: URLResponse) -> Reply {
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        var headers: [String: String] = [:]
        for (name, value) in (response as? HTTPURLResponse)?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: json, body: body, headers: headers)
    }

    /// Polls `GET /v1/videos/{id}` until the job is `completed` or `failed`.
    func finishedJob(_ id: String, key: String? = nil, base: String? = nil, timeout: Duration = .seconds(300)) async throws -> [String: Any] {
        try await eventually("job \(id) to finish", timeout: timeout) {
            let reply = try await get("\(base ?? baseURL)/v1/videos/\(id)", key: key)
            let status = reply.json["status"] as? String
            return status == "completed" || status == "failed" ? reply.json : nil
        }
    }

    /// A fault control of the mock cluster, e.g. `/brokers/2/down`; fails the test unless it was done.
    func kafkaFault(_ path: String) async throws {
        var request = URLRequest(url: URL(string: kafkaControl + path)!)
        request.httpMethod = "POST"
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(path): \(String(decoding: body, as: UTF8.self))")
    }

    // MARK: Service state

    /// Opens a service's state for reading what it committed: its SQLite file, or for a sharded
    /// service every file in its folder at once (its shards and its replicas' own), as a copy taken
    /// now in memory with each table holding the rows of every file that has it (SQLite attaches at
    /// most 10 files at once, fewer than a service of 6 shards and its replicas has).
    func database(_ service: String) throws -> DatabaseQueue {
        let folder = directory.url.appendingPathComponent(service)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".sqlite") }.sorted()
        guard !files.isEmpty else {
            return try DatabaseQueue(path: directory.url.appendingPathComponent("\(service).sqlite").path)
        }
        let union = try DatabaseQueue()
        try union.writeWithoutTransaction { db in
            for file in files {
                try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [folder.appendingPathComponent(file).path])
                let tables = try String.fetchAll(db, sql: "SELECT name FROM source.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                for table in tables {
                    try db.execute(sql: "CREATE TABLE IF NOT EXISTS main.\"\(table)\" AS SELECT * FROM source.\"\(table)\" WHERE 0")
                    try db.execute(sql: "INSERT INTO main.\"\(table)\" SELECT * FROM source.\"\(table)\"")
                }
                try db.execute(sql: "DETACH DATABASE source")
            }
        }
        return union
    }

    /// Waits until the sharded `service` has taken every one of its shards (the mock cluster's 3).
    func awaitShards(_ service: String, count: Int = 3) async throws {
        let folder = directory.url.appendingPathComponent(service)
        _ = try await eventually("\(service) to take its \(count) shards") { ShardSet.allTaken(in: folder, count: count) ? true : nil }
    }

    /// The job's debit rows in billing's ledger.
    func debitCount(job id: String) throws -> Int {
        try database("billing").read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit' AND job_id = ?", arguments: [id]) ?? 0
        }
    }

    /// Waits until an event of `type` about job `id` is on the cluster.
    func awaitEventOnKafka(job id: String, type: EventType) async throws {
        let consumer = try KafkaConsumer(brokers: brokers, groupID: "it-reader-\(UUID().uuidString)", clientID: "it-reader",
                                         topics: [type.topic])
        _ = try await eventually("\(type.rawValue) about job \(id) on Kafka") {
            for message in await consumer.poll().messages {
                if let header = try? EventHeader.decode(message.value), header.subject == id, header.type == type { return true }
            }
            return nil
        }
    }

    /// The event types about job `id` that a new consumer group reads from the cluster, by topic.
    func eventTypesOnKafka(job id: String, atLeast count: Int) async throws -> [EventType] {
        let consumer = try KafkaConsumer(brokers: brokers, groupID: "it-reader-\(UUID().uuidString)", clientID: "it-reader",
                                         topics: EventType.allTopics)
        var types: [EventType] = []
        return try await eventually("\(count) events about job \(id) on Kafka") {
            for message in await consumer.poll().messages {
                if let header = try? EventHeader.decode(message.value), header.subject == id, header.type.topic == message.topic {
                    types.append(header.type)
                }
            }
            return types.count >= count ? types : nil
        }
    }
}
