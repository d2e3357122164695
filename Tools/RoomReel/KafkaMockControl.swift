import EventRuntime
import Foundation
import Hummingbird

/// The fault controls of `roomreel kafka-mock --control-port`: a small HTTP API on loopback over the
/// mock cluster's fault injection (rdkafka_mock.h), for tests and for trying a deployment's behaviour
/// by hand. Brokers are numbered from 1; `all` is every broker.
///
///     POST /brokers/{id|all}/down             connections drop, new ones are refused (leaders stay)
///     POST /brokers/{id|all}/up
///     POST /brokers/{id|all}/rtt?ms=N         every answer delayed by N ms (0 to end it)
///     POST /topics/{topic}/partitions/{n}/leader?broker=B    moves the partition's leader
///     POST /groups/{group}/coordinator?broker=B             moves the consumer group's coordinator
///     POST /errors?request=Produce&error=NOT_LEADER_FOR_PARTITION&count=N
///                                             the next N requests of that type fail with that error
///
/// Each answers 200 with what it did, or 400 saying what is wrong.
struct KafkaMockControl {
    let cluster: KafkaMockCluster
    let brokers: Int

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/brokers/:broker/down") { _, context in
            let broker = try broker(context)
            try cluster.setBrokerDown(broker)
            return done("broker \(broker.map(String.init) ?? "all") down")
        }
        router.post("/brokers/:broker/up") { _, context in
            let broker = try broker(context)
            try cluster.setBrokerUp(broker)
            return done("broker \(broker.map(String.init) ?? "all") up")
        }
        router.post("/brokers/:broker/rtt") { request, context in
            let broker = try broker(context)
            guard let milliseconds = request.uri.queryParameters.get("ms", as: Int32.self), (0...60_000).contains(milliseconds) else {
                throw HTTPError(.badRequest, message: "ms must be a whole number of milliseconds from 0 to 60000")
            }
            try cluster.setRoundTripTime(broker, milliseconds: milliseconds)
            return done("broker \(broker.map(String.init) ?? "all") answers \(milliseconds) ms late")
        }
        router.post("/topics/:topic/partitions/:partition/leader") { request, context in
            let topic = try context.parameters.require("topic")
            let partition = try context.parameters.require("partition", as: Int32.self)
            guard let leader = request.uri.queryParameters.get("broker", as: Int32.self), (1...Int32(brokers)).contains(leader) || leader == -1 else {
                throw HTTPError(.badRequest, message: "broker must be a broker's number, 1 to \(brokers) (or -1: no leader)")
            }
            try cluster.setLeader(topic: topic, partition: partition, broker: leader)
            return done("\(topic)/\(partition) led by broker \(leader)")
        }
        router.post("/groups/:group/coordinator") { request, context in
            let group = try context.parameters.require("group")
            guard let coordinator = request.uri.queryParameters.get("broker", as: Int32.self), (1...Int32(brokers)).contains(coordinator) else {
                throw HTTPError(.badRequest, message: "broker must be a broker's number, 1 to \(brokers)")
            }
            try cluster.setCoordinator(group: group, broker: coordinator)
            return done("group \(group) coordinated by broker \(coordinator)")
        }
        router.post("/errors") { request, _ in
            let query = request.uri.queryParameters
            guard let name = query.get("request"), let type = KafkaMockCluster.requestTypes[name] else {
                throw HTTPError(.badRequest, message: "request must be one of \(KafkaMockCluster.requestTypes.keys.sorted().joined(separator: ", "))")
            }
            guard let errorName = query.get("error"), let code = KafkaMockCluster.errorCode(named: errorName) else {
                throw HTTPError(.badRequest, message: "error must be a librdkafka error name such as NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT or _TRANSPORT")
            }
            let count = query.get("count", as: Int.self) ?? 1
            guard (1...1000).contains(count) else { throw HTTPError(.badRequest, message: "count must be from 1 to 1000") }
            cluster.pushRequestErrors(request: type, errors: Array(repeating: code, count: count))
            return done("the next \(count) \(name) requests fail with \(errorName)")
        }
        return router
    }

    /// The broker a path names: its number (1…brokers), or nil for `all`.
    private func broker(_ context: BasicRequestContext) throws -> Int32? {
        let text = try context.parameters.require("broker")
        if text == "all" { return nil }
        guard let broker = Int32(text), (1...Int32(brokers)).contains(broker) else {
            throw HTTPError(.badRequest, message: "broker must be a number from 1 to \(brokers), or all")
        }
        return broker
    }

    private func done(_ what: String) -> String {
        "\(what)\n"
    }
}
