import Foundation
import GRDB
import Logging
import ServiceSettings
import Synchronization

/// One service's shards as this replica sees them: a SQLite file per partition in
/// `<data>/<service>/shard-<p>-of-<P>.sqlite`, of which the replica owns those Kafka assigned it.
///
/// The consumer's rebalance callback calls `assign` and `revoke`. Assigning opens a shard's file
/// (creating and migrating it if needed) and takes it (`ShardOwnership`) before the consumer
/// handles any of its events; revoking releases it at once. Workers that run per owned shard (the
/// outbox relay, a scheduler) wait on `waitUntilOwned` and `waitUntilReleased` (`ShardWorkers`).
public final class ShardSet: Sendable {
    public let service: String
    public let map: ShardMap
    /// This replica's name, recorded in the files it takes.
    public let replica: String
    let directory: URL
    let migrations: @Sendable (inout DatabaseMigrator) -> Void
    let onTake: @Sendable (Int, ServiceDatabase) throws -> Void
    let onOpen: @Sendable (Int, ServiceDatabase) -> Void
    let logger: Logger

    private struct State {
        var opened: [Int: ServiceDatabase] = [:]
        var edges: [Int: ServiceDatabase] = [:]
        var assigned: Set<Int> = []
        /// Assigned shards this replica has taken, with the epoch it took each at.
        var owned: [Int: Int64] = [:]
    }
    private let state = Mutex(State())
    private let changes = ChangeSignal()

    /// - Parameters:
    ///   - migrations: the service's own migrations for each shard file.
    ///   - onTake: runs after a shard is taken and before any of its events is handled (bootstrap
    ///     data that belongs to the shard's workspaces); its writes pass the fence.
    ///   - onOpen: runs once for each pool this replica opens on a shard file (the owner's and the
    ///     edge's), before it is used: for transaction observers.
    /// Throws, naming `KAFKA_PARTITIONS`, when the folder holds shard files of another count.
    public init(service: String, dataDirectory: URL, map: ShardMap, replica: String, logger: Logger,
                migrations: @escaping @Sendable (inout DatabaseMigrator) -> Void,
                onTake: @escaping @Sendable (Int, ServiceDatabase) throws -> Void = { _, _ in },
                onOpen: @escaping @Sendable (Int, ServiceDatabase) -> Void = { _, _ in }) throws {
        self.service = service
        self.map = map
        self.replica = replica
        self.directory = dataDirectory.appendingPathComponent(service)
        self.migrations = migrations
        self.onTake = onTake
        self.onOpen = onOpen
        self.logger = logger
        let counts = Set(Self.shardFiles(in: directory).map(\.count))
        if let other = counts.first(where: { $0 != map.count }) {
            throw ConfigurationError(variable: "KAFKA_PARTITIONS", problem: """
                is \(map.count), but \(directory.path) holds \(service)'s state in \(other) shards; \
                the partition count is fixed for a deployment's life
                """)
        }
    }

    /// The service's file in the layout before shards, imported into each shard once (`LegacyImport`).
    public var legacyFile: URL { directory.deletingLastPathComponent().appendingPathComponent("\(service).sqlite") }

    /// The file of shard `shard` of `count` under `directory` (`<data>/<service>`).
    public static func path(in directory: URL, shard: Int, of count: Int) -> URL {
        directory.appendingPathComponent("shard-\(shard)-of-\(count).sqlite")
    }

    /// The shard files in `directory`, as (shard, count, path), in shard order.
    public static func shardFiles(in directory: URL) -> [(shard: Int, count: Int, path: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, Int, URL)? in
            let parts = name.split(separator: "-")
            guard parts.count == 4, parts[0] == "shard", parts[2] == "of", parts[3].hasSuffix(".sqlite"),
                  let shard = Int(parts[1]), let count = Int(parts[3].dropLast(".sqlite".count)) else { return nil }
            return (shard, count, directory.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// The replica recorded as owner in each shard file in `directory` (`<data>/<service>`), in shard
    /// order; empty for a shard not taken yet, nil for a file not readable yet (being created).
    public static func owners(in directory: URL) -> [String?] {
        shardFiles(in: directory).map { file in
            try? DatabaseQueue(path: file.path.path).read { db in
                try String.fetchOne(db, sql: "SELECT owner FROM \(ShardOwnership.table) WHERE id = 1") ?? ""
            }
        }
    }

    /// Whether each of `count` shards in `directory` has been taken by some replica, as the files
    /// say: for readiness checks.
    public static func allTaken(in directory: URL, count: Int) -> Bool {
        guard shardFiles(in: directory).allSatisfy({ $0.count == count }) else { return false }
        let owners = owners(in: directory)
        return owners.count == count && owners.allSatisfy { $0?.isEmpty == false }
    }

    /// The shard `partition` is, or nil (logged) for a partition the map does not have: the topic
    /// has more partitions than `KAFKA_PARTITIONS` says.
    func shard(ofPartition partition: Int32) -> Int? {
        guard map.all.contains(Int(partition)) else {
            logger.critical("Partition beyond KAFKA_PARTITIONS; its events are not handled", metadata: [
                "partition": "\(partition)", "KAFKA_PARTITIONS": "\(map.count)"])
            return nil
        }
        return Int(partition)
    }

    /// Kafka assigned these shards to this replica: open and take each (blocking; called on the
    /// consumer's own thread). A shard that cannot be taken now is taken on its first event.
    public func assign(_ shards: Set<Int>) {
        state.withLock { $0.assigned.formUnion(shards) }
        logger.info("Assigned shards", metadata: ["shards": "\(shards.sorted())"])
        for shard in shards.sorted() { _ = try? take(shard) }
    }

    /// Kafka took these shards away: from now on this replica's writes into them abort, and their
    /// workers stop.
    public func revoke(_ shards: Set<Int>) {
        let released = state.withLock { state in
            state.assigned.subtract(shards)
            return shards.compactMap { shard in state.owned.removeValue(forKey: shard).map { _ in state.opened[shard] } }
        }
        for database in released { database?.ownership?.release() }
        if !shards.isEmpty {
            logger.info("Released shards", metadata: ["shards": "\(shards.sorted())"])
            changes.signal()
        }
    }

    /// The database of `shard` if this replica is assigned it, taking it first if that has not
    /// happened yet; nil when the shard is not this replica's.
    func database(for shard: Int) throws -> ServiceDatabase? {
        let (assigned, owned) = state.withLock { state in
            (state.assigned.contains(shard), state.owned[shard] != nil ? state.opened[shard] : nil)
        }
        guard assigned else { return nil }
        return try owned ?? take(shard)
    }

    /// Opens and takes an assigned shard.
    private func take(_ shard: Int) throws -> ServiceDatabase {
        do {
            let database = try open(shard)
            let epoch = try database.ownership!.take(owner: replica, in: database.pool)
            do {
                let imported = try LegacyImport.run(from: legacyFile, shard: shard, map: map, into: database)
                if imported > 0 {
                    logger.notice("Imported the shard's rows from the single-file layout", metadata: [
                        "shard": "\(shard)", "rows": "\(imported)", "from": "\(legacyFile.path)"])
                }
                try onTake(shard, database)
            } catch {
                database.ownership?.release()
                throw error
            }
            let stillAssigned = state.withLock { state in
                guard state.assigned.contains(shard) else { return false }
                state.owned[shard] = epoch
                return true
            }
            guard stillAssigned else {
                database.ownership?.release()
                throw CancellationError()
            }
            logger.info("Took shard", metadata: ["shard": "\(shard)", "epoch": "\(epoch)"])
            changes.signal()
            return database
        } catch {
            logger.error("Could not take shard; will try again on its next event", metadata: ["shard": "\(shard)", "error": "\(error)"])
            throw error
        }
    }

    /// `shard`'s database for reading, whoever owns it (the files are on one volume): an edge that
    /// serves what a shard holds without changing it. Its writes are fenced unless this replica owns it.
    public func readable(_ shard: Int) throws -> ServiceDatabase {
        try open(shard)
    }

    /// `shard`'s database as an edge writes it, whoever owns the shard: its writes are not fenced.
    /// For new facts any replica may record under SQLite's own lock (a job a client submitted, with
    /// its outbox row), never for handling the shard's events, which only the owner does. The
    /// owner's relay publishes what an edge wrote.
    public func edge(_ shard: Int) throws -> ServiceDatabase {
        if let database = state.withLock({ $0.edges[shard] }) { return database }
        let path = Self.path(in: directory, shard: shard, of: map.count).path
        let database: ServiceDatabase
        do {
            database = try ServiceDatabase(path: path, ownership: ShardOwnership(), fenced: false, migrations: migrations)
        } catch {
            // Another replica creating the same file migrated it first; it is whole now.
            database = try ServiceDatabase(path: path, ownership: ShardOwnership(), fenced: false, migrations: migrations)
        }
        return state.withLock { state in
            if let existing = state.edges[shard] { return existing }
            state.edges[shard] = database
            onOpen(shard, database)
            return database
        }
    }

    /// The shard's database, opened once and kept open (a shard given up may come back).
    private func open(_ shard: Int) throws -> ServiceDatabase {
        if let database = state.withLock({ $0.opened[shard] }) { return database }
        let database = try ServiceDatabase(path: Self.path(in: directory, shard: shard, of: map.count).path,
                                           ownership: ShardOwnership(), migrations: migrations)
        return state.withLock { state in
            if let existing = state.opened[shard] { return existing }
            state.opened[shard] = database
            onOpen(shard, database)
            return database
        }
    }

    /// Waits until this replica owns `shard`; returns its database and the epoch it took it at, or
    /// nil when the task is cancelled or `stop` says so.
    func waitUntilOwned(_ shard: Int, unless stop: @Sendable () -> Bool) async -> (ServiceDatabase, Int64)? {
        while !Task.isCancelled && !stop() {
            let seen = changes.version
            if let owned = state.withLock({ state in state.owned[shard].flatMap { epoch in state.opened[shard].map { ($0, epoch) } } }) {
                return owned
            }
            await changes.wait(after: seen)
        }
        return nil
    }

    /// Returns once this replica no longer holds `shard` at `epoch` (or the task is cancelled).
    func waitUntilReleased(_ shard: Int, epoch: Int64) async {
        while !Task.isCancelled {
            let seen = changes.version
            if state.withLock({ $0.owned[shard] }) != epoch { return }
            await changes.wait(after: seen)
        }
    }

    /// Wakes the waiters (for shutdown: they look at `stop` again).
    func wakeWaiters() { changes.signal() }

    /// The shards this replica owns now.
    public var owned: Set<Int> { state.withLock { Set($0.owned.keys) } }

    /// Whether this replica owns `shard` now.
    public func owns(_ shard: Int) -> Bool { state.withLock { $0.owned[shard] != nil } }
}
