import EventRuntime
import ProviderBridge

await ServiceMain.run(service: providerBridgeServiceName) { environment in
    try buildServiceGroup(config: try .fromEnvironment(environment))
}
