import EventRuntime
import ModelRouter

await ServiceMain.run(service: modelRouterServiceName) { environment in
    try buildServiceGroup(config: try .fromEnvironment(environment))
}
