import Foundation
import Logging
import ServiceLifecycle

/// Where a consumer's handler commits: one database the service owns alone, or the shard of each
/// event's partition.
public enum EventDatabases: Sendable {
    case single(ServiceDatabase)
    /// One database per partition, owned while Kafka assigns the partition (`docs/scaling.md`).
    case shards(ShardSet)
}

/// Consumes a handler's topics as one consumer group and feeds the handler one event at a time.
///
/// An offset is stored only after the handler returns, that is after its transaction committed: a
/// crash before that redelivers the event, and the inbox turns the redelivery into a no-op.
///
/// With shards, each event goes to the database of its partition's shard; the shard is taken when
/// the group assigns the partition, before any of its events is handled, and an event whose shard
/// was taken by another replica meanwhile is left to that replica (its write is fenced).
public struct EventConsumerService: Service {
    let consumer: KafkaConsumer
    let databases: EventDatabases
    let handler: any EventHandler
    let logger: Logger

    public init(brokers: String, groupID: String, database: ServiceDatabase, handler: any EventHandler, logger: Logger,
                consumers: KafkaConsumerSettings = KafkaConsumerSettings()) throws {
        try self.init(brokers: brokers, groupID: groupID, databases: .single(database), handler: handler, logger: logger, consumers: consumers)
    }

    public init(brokers: String, groupID: String, databases: EventDatabases, handler: any EventHandler, logger: Logger,
                consumers: KafkaConsumerSettings = KafkaConsumerSettings()) throws {
        let rebalance: RebalanceListener? = switch databases {
        case .single: nil
        case .shards(let shards):
            RebalanceListener(assigned: { shards.assign(Set($0.compactMap(shards.shard(ofPartition:)))) },
                              revoked: { shards.revoke(Set($0.map(Int.init))) })
        }
        self.consumer = try KafkaConsumer(
            brokers: brokers, groupID: groupID, clientID: groupID, topics: handler.eventTypes.map(\.topic),
            extraProperties: consumers.properties(groupID: groupID), rebalance: rebalance)
        self.databases = databases
        self.handler = handler
        self.logger = logger
    }

    public func run() async throws {
        // A long wait for messages (an idle service is not woken five times a second), cut short by shutdown.
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let (messages, errors) = await withTaskCancellationHandler {
                    await consumer.poll(maximum: 500, timeoutMilliseconds: 5000)
                } onCancel: { [consumer] in
                    consumer.wake()
                }
                for error in errors {
                    logger.debug("Kafka consumer reported", metadata: ["error": "\(error)"])
                }
                guard await process(polled: messages) else { return }
            }
        } onGracefulShutdown: { [consumer] in
            consumer.wake()
        }
        // Both bounded: with the cluster gone neither is ever answered, and shutdown must still end.
        if !(await consumer.commitStoredOffsets()) {
            logger.warning("Kafka did not answer the last offset commit in time; the inbox drops what is redelivered")
        }
        if !(await consumer.close()) {
            logger.warning("Kafka consumer did not leave its group in time; its partitions move after the session timeout")
        }
    }

    /// Handles a poll's messages, each partition's in order; `false` when shutdown interrupted it.
    private func process(polled messages: [ConsumedKafkaMessage]) async -> Bool {
        switch databases {
        case .single(let database):
            return await process(messages, in: database)
        case .shards(let shards):
            var runs: [Int: [ConsumedKafkaMessage]] = [:]
            for message in messages {
                guard let shard = shards.shard(ofPartition: message.partition) else { continue }
                runs[shard, default: []].append(message)
            }
            for (shard, run) in runs.sorted(by: { $0.key < $1.key }) {
                switch await database(ofShard: shard, in: shards) {
                case .owned(let database):
                    guard await process(run, in: database) else { return false }
                case .notOurs:
                    continue
                case .shuttingDown:
                    return false
                }
            }
            return true
        }
    }

    private enum ShardLookup {
        case owned(ServiceDatabase)
        case notOurs
        case shuttingDown
    }

    /// The shard's database, retrying while it cannot be taken (its file cannot be opened).
    private func database(ofShard shard: Int, in shards: ShardSet) async -> ShardLookup {
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                return try shards.database(for: shard).map(ShardLookup.owned) ?? .notOurs
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return .shuttingDown }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }

    private func process(_ messages: [ConsumedKafkaMessage], in database: ServiceDatabase) async -> Bool {
        if let batchHandler = handler as? any BatchEventHandler, messages.count > 1 {
            await processBatch(messages, with: batchHandler, in: database)
        } else {
            await processEach(messages, in: database)
        }
    }

    /// Applies a run of messages in one transaction; if that fails, handles them one by one.
    /// `false` when shutdown interrupted it.
    private func processBatch(_ messages: [ConsumedKafkaMessage], with batchHandler: any BatchEventHandler, in database: ServiceDatabase) async -> Bool {
        var events: [IncomingEvent] = []
        for message in messages {
            guard let event = try? IncomingEvent(bytes: message.value, database: database) else {
                // An undecodable message: let the one-by-one path log and skip it.
                return await processEach(messages, in: database)
            }
            events.append(event)
        }
        do {
            try await batchHandler.handle(batch: events, database: database)
            messages.forEach(markProcessed)
            logger.debug("Handled batch", metadata: ["events": "\(events.count)"])
            return true
        } catch {
            if ShardOwnership.isFenced(error) {
                logger.notice("Shard taken by another replica; leaving its events to it", metadata: ["events": "\(events.count)"])
                return true
            }
            logger.warning("Batch failed; handling its events one by one", metadata: ["events": "\(events.count)", "error": "\(error)"])
            return await processEach(messages, in: database)
        }
    }

    private func processEach(_ messages: [ConsumedKafkaMessage], in database: ServiceDatabase) async -> Bool {
        for message in messages {
            guard await process(message, in: database) else { return false }
        }
        return true
    }

    /// Handles one message until it succeeds or is skipped; `false` when shutdown interrupted it.
    private func process(_ message: ConsumedKafkaMessage, in database: ServiceDatabase) async -> Bool {
        let event: IncomingEvent
        do {
            event = try IncomingEvent(bytes: message.value, database: database)
        } catch {
            logger.error("Skipping undecodable event", metadata: [
                "topic": "\(message.topic)", "offset": "\(message.offset)", "error": "\(error)"])
            markProcessed(message)
            return true
        }
        let header = event.header
        var logger = self.logger
        logger[metadataKey: "event_id"] = "\(header.id)"
        logger[metadataKey: "event_type"] = "\(header.type.rawValue)"
        logger[metadataKey: "job_id"] = "\(header.subject)"

        var backoff = Duration.milliseconds(100)
        while true {
            do {
                try await handler.handle(event)
                logger.debug("Handled event")
                markProcessed(message)
                return true
            } catch EventHandlingError.permanent(let reason) {
                logger.error("Skipping event that cannot be processed", metadata: ["reason": "\(reason)"])
                markProcessed(message)
                return true
            } catch where ShardOwnership.isFenced(error) {
                // The shard is another replica's now: it handles the event (its offset is not stored here).
                logger.notice("Shard taken by another replica; leaving the event to it")
                return true
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return false }
                logger.warning("Event handling failed; retrying", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }


    private func markProcessed(_ message: ConsumedKafkaMessage) {
        do {
            try consumer.markProcessed(message)
        } catch {
            // The event's effect is committed; at worst it is redelivered and the inbox drops it.
            logger.warning("Could not store consumer offset", metadata: ["error": "\(error)"])
        }
    }
}
