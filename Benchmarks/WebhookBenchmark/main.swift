import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import OutboundHTTP
import ProviderBridge
import ServiceLifecycle
import Signing

// Verified Replicate webhooks handled per second by provider-bridge, and the time from a webhook's
// receipt to its `video.generated` published (acknowledged by the Kafka cluster).
//
//   webhook-benchmark <webhooks> <seconds> <connections> <lua script>
//
// Runs the bridge's real services in this process against an embedded librdkafka mock cluster, seeds
// <webhooks> submitted Replicate jobs in its SQLite file, signs one webhook per job the Standard
// Webhooks way, and replays them with wrk (2 threads, <connections> connections) for <seconds>.
// The latencies are the bridge's own: its outbox relay's publish-delay histogram, as `/metrics`
// serves it. Prints a Markdown report.

let arguments = CommandLine.arguments
guard arguments.count == 5, let count = Int(arguments[1]), let seconds = Int(arguments[2]), let connections = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: webhook-benchmark <webhooks> <seconds> <connections> <replay.lua>\n".utf8))
    exit(2)
}
let script = arguments[4]

var logger = Logger(label: "webhook-benchmark")
logger.logLevel = .error
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roomreel-webhook-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

// The cluster `roomreel dev` runs: one broker, three partitions a topic. The mock finds a fetch's
// offset by walking the partition's list of appended batches from the start, so its cost grows with
// what each partition holds; at twelve partitions that walk was a tenth of the machine's CPU here,
// taken from the bridge under test. (A real broker indexes its log.)
let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
let common = CommonConfiguration(kafkaBrokers: cluster.bootstrapServers, dataDirectory: directory, logLevel: .error)
let secret = StandardWebhookSignature.generateSecret()
let config = try ProviderBridgeConfiguration(
    common: common, providers: ProviderSettings(replicateToken: "bench", replicateWebhookSecret: secret,
                                                baseURLs: ["replicate": URL(string: "http://127.0.0.1:9")!]),
    reconcileAfter: .seconds(86_400), schedulerTick: .seconds(1))
let (listening, listeningContinuation) = AsyncStream<Int>.makeStream()
let services = try buildProviderBridgeServices(config: config, onListening: { port in listeningContinuation.yield(port) })

// Jobs waiting for their webhook, as the consumer and scheduler would have left them.
let total = count + 1
// Seeded in the single-file layout: each shard imports its jobs when the bridge takes it.
let database = try openPredictionsDatabase(path: common.databasePath(service: providerBridgeServiceName)).pool
let far = Date().addingTimeInterval(86_400)
try database.write { db in
    let statement = try db.makeStatement(sql: """
        INSERT INTO predictions (job_id, workspace_id, provider, model_id, prediction_id, status, routed, created_at, updated_at,
                                 submit_attempts, status_checks, next_check_at, deadline_at)
        VALUES (?, ?, 'replicate', 'wan2.1-i2v-720p', ?, 'submitted', ?, ?, ?, 1, 0, ?, ?)
        """)
    let now = Date()
    for index in 0..<total {
        try statement.execute(arguments: ["bench-\(index)", "ws-\(index % 64)", "pred-\(index)", Data("{}".utf8), now, now, far, far])
    }
}

// The seeding's pages go into the database file now, not in a checkpoint during the measured run.
try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }

// One signed webhook per job, in wrk's replay file; job 0 is the warm-up.
let signer = StandardWebhookSignature(secret: secret)!
let timestamp = Int64(Date().timeIntervalSince1970)
func webhook(_ index: Int) -> (id: String, signature: String, body: String) {
    let body = #"{"id":"pred-\#(index)","status":"succeeded","output":"https://replicate.delivery/bench/\#(index).mp4","error":null}"#
    let id = "msg_bench_\(index)"
    return (id, signer.signature(id: id, timestamp: timestamp, body: Array(body.utf8)), body)
}
let replayFile = directory.appendingPathComponent("webhooks.tsv")
var lines = ""
lines.reserveCapacity(count * 300)
for index in 1..<total {
    let message = webhook(index)
    lines += "\(message.id)\t\(timestamp)\t\(message.signature)\tbench-\(index)\tws-\(index % 64)\t\(message.body)\n"
}
try lines.write(to: replayFile, atomically: true, encoding: .utf8)

/// The relay's publish-delay histogram for the bridge's `video.generated`, as `/metrics` shows it:
/// each bucket's upper bound in seconds and its cumulative count, `+Inf` last.
func publishDelayBuckets() -> [(bound: Double, count: Int)] {
    let series = "\(OutboxRelay.publishDelayMetric)_bucket{"
    let labels = [#"service="\#(providerBridgeServiceName)""#, #"topic="\#(EventType.videoGenerated.topic)""#]
    return String(decoding: ProcessMetrics.exposition(), as: UTF8.self).split(separator: "\n").compactMap { line in
        guard line.hasPrefix(series), labels.allSatisfy({ line.contains($0) }),
              let le = line.firstRange(of: #"le=""#), let close = line[le.upperBound...].firstIndex(of: "\""),
              let count = line.split(separator: " ").last.flatMap({ Int($0) }) else { return nil }
        let bound = line[le.upperBound..<close]
        return (bound == "+Inf" ? .infinity : Double(bound) ?? .nan, count)
    }
}

/// The histogram's count now, less `before`.
func publishedSince(_ before: [(bound: Double, count: Int)]) -> [(bound: Double, count: Int)] {
    let now = publishDelayBuckets()
    return now.map { bucket in (bucket.bound, bucket.count - (before.first { $0.bound == bucket.bound }?.count ?? 0)) }
}

/// The bound of the first bucket holding the nearest-rank `p`th percentile, in milliseconds: the
/// percentile is at most this.
func percentileBound(_ buckets: [(bound: Double, count: Int)], _ p: Double) -> String {
    guard let total = buckets.last?.count, total > 0 else { return "?" }
    let rank = max(1, Int((p / 100 * Double(total)).rounded(.up)))
    guard let bucket = buckets.first(where: { $0.count >= rank }) else { return "?" }
    return bucket.bound.isInfinite ? "> \(Int(buckets.dropLast().last!.bound * 1000)) ms" : "≤ \(Int((bucket.bound * 1000).rounded())) ms"
}

let group = ServiceGroup(configuration: .init(services: services, logger: logger))
try await withThrowingTaskGroup(of: Void.self) { tasks in
    tasks.addTask { try await group.run() }
    var ports = listening.makeAsyncIterator()
    guard let port = await ports.next() else { throw CancellationError() }
    let base = URL(string: "http://127.0.0.1:\(port)")!

    // The warm-up webhook: its event's publication proves the relay's producer has the topic's metadata.
    let warm = webhook(0)
    let answer = try await ServiceHTTPClient().send(
        "POST", URL(string: "\(base.absoluteString)/webhooks/replicate?job=bench-0&workspace=ws-0")!,
        headers: [("webhook-id", warm.id), ("webhook-timestamp", "\(timestamp)"), ("webhook-signature", warm.signature)],
        body: Array(warm.body.utf8))
    guard answer.status == 200 else { fatalError("warm-up webhook answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))") }
    func published() -> Int { publishDelayBuckets().last?.count ?? 0 }
    let warmUpDeadline = ContinuousClock.now + .seconds(30)
    while published() == 0 {
        guard ContinuousClock.now < warmUpDeadline else { fatalError("the warm-up's video.generated was not published in 30 s") }
        try await Task.sleep(for: .milliseconds(10))
    }
    let before = publishDelayBuckets()

    let started = Date()
    let wrk = Process()
    wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    wrk.arguments = ["wrk", "-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script,
                     "\(base.absoluteString)/webhooks/replicate", "--", replayFile.path, "2"]
    // wrk writes to a file: reading a pipe would block one of the two cooperative threads for the run.
    let wrkOutput = directory.appendingPathComponent("wrk.txt")
    guard FileManager.default.createFile(atPath: wrkOutput.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    wrk.standardOutput = try FileHandle(forWritingTo: wrkOutput)
    try wrk.run()
    while wrk.isRunning { try await Task.sleep(for: .milliseconds(20)) }
    let wrkText = try String(contentsOf: wrkOutput, encoding: .utf8)
    let elapsed = Date().timeIntervalSince(started)

    // The rate is taken over the bridge's own window, from the first recorded webhook's arrival to the
    // last one's (each ended job's updated_at, its webhook's receipt time): the wall clock around wrk
    // also counts wrk loading its replay file before it sends anything, about a quarter of a second.
    let (recorded, window) = try await database.read { db in
        let row = try Row.fetchOne(db, sql: """
            SELECT COUNT(*), (julianday(MAX(updated_at)) - julianday(MIN(updated_at))) * 86400.0
            FROM predictions WHERE status = 'succeeded' AND job_id != 'bench-0'
            """)
        return (row?[0] as Int? ?? 0, row?[1] as Double? ?? .nan)
    }
    // Every recorded webhook's event published: the relay has drained the outbox.
    let drainDeadline = ContinuousClock.now + .seconds(60)
    var delays = publishedSince(before)
    while (delays.last?.count ?? 0) < recorded {
        guard ContinuousClock.now < drainDeadline else { fatalError("\(delays.last?.count ?? 0) of \(recorded) events published in 60 s") }
        try await Task.sleep(for: .milliseconds(50))
        delays = publishedSince(before)
    }
    func field(_ name: String) -> String {
        wrkText.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name) }
            .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(name.count).trimmingCharacters(in: .whitespaces) } ?? "?"
    }
    print("""
    | measure | value |
    |---|---|
    | webhooks verified and answered (wrk, every request signature-checked) | \(field("Requests/sec:")) /s |
    | distinct webhooks recorded (job ended, events in the outbox), first to last received | \(recorded) in \(String(format: "%.2f", window)) s = **\(Int(Double(recorded - 1) / window)) /s** |
    | the same over the wall clock around wrk (its start-up included) | \(recorded) in \(String(format: "%.1f", elapsed)) s = \(Int(Double(recorded) / elapsed)) /s |
    | HTTP latency (wrk) p50 / p90 / p99 | \(field("50%")) / \(field("90%")) / **\(field("99%"))** |
    | webhook received → `video.generated` published (acknowledged), p50 / p99 / p99.9 (\(delays.last?.count ?? 0) events) | \(percentileBound(delays, 50)) / **\(percentileBound(delays, 99))** / \(percentileBound(delays, 99.9)) |

    <details><summary>wrk output</summary>

    ```
    \(wrkText.trimmingCharacters(in: .whitespacesAndNewlines))
    ```
    </details>
    """)
    await group.triggerGracefulShutdown()
    try await tasks.next()
    tasks.cancelAll()
}
