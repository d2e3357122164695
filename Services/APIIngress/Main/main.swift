import APIIngress
import EventRuntime

await ServiceMain.run(service: apiIngressServiceName) { environment in
    try buildServiceGroup(config: try .fromEnvironment(environment))
}
