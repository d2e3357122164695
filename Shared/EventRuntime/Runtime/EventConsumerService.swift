import Foundation
import Logging
import ServiceLifecycle

/// Consumes a handler's topics as one consumer group and feeds the handler one event at a time.
///
/// An offset is stored only after the handler returns, that is after its transaction committed: a
/// crash before that redelivers the event, and the inbox turns the redelivery into a no-op.
public struct EventConsumerService: Service {
    let consumer: KafkaConsumer
    let database: ServiceDatabase
    let handler: any EventHandler
    let logger: Logger

    public init(brokers: String, groupID: String, database: ServiceDatabase, handler: any EventHandler, logger: Logger,
                consumers: KafkaConsumerSettings = KafkaConsumerSettings()) throws {
        self.consumer = try KafkaConsumer(
            brokers: brokers, groupID: groupID, clientID: groupID, topics: handler.eventTypes.map(\.topic),
            extraProperties: consumers.properties(groupID: groupID))
        self.database = database
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
                let finished = if let batchHandler = handler as? any BatchEventHandler, messages.count > 1 {
                    await processBatch(messages, with: batchHandler)
                } else {
                    await processEach(messages)
                }
                guard finished else { return }
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

    /// Applies a run of messages in one transaction; if that fails, handles them one by one.
    /// `false` when shutdown interrupted it.
    private func processBatch(_ messages: [ConsumedKafkaMessage], with batchHandler: any BatchEventHandler) async -> Bool {
        var events: [IncomingEvent] = []
        for message in messages {
            guard let event = try? IncomingEvent(bytes: message.value, database: database) else {
                // An undecodable message: let the one-by-one path log and skip it.
                return await processEach(messages)
            }
            events.append(event)
        }
        do {
            try await batchHandler.handle(batch: events, database: database)
            messages.forEach(markProcessed)
            logger.debug("Handled batch", metadata: ["events": "\(events.count)"])
            return true
        } catch {
            logger.warning("Batch failed; handling its events one by one", metadata: ["events": "\(events.count)", "error": "\(error)"])
            return await processEach(messages)
        }
    }

    private func processEach(_ messages: [ConsumedKafkaMessage]) async -> Bool {
        for message in messages {
            guard await process(message) else { return false }
        }
        return true
    }

    /// Handles one message until it succeeds or is skipped; `false` when shutdown interrupted it.
    private func process(_ message: ConsumedKafkaMessage) async -> Bool {
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
