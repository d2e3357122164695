import APIIngress
import Shared

await ServiceMain.run(service: apiIngressServiceName) { environment in
    try buildServiceGroup(config: try .fromEnvironment(environment))
}
