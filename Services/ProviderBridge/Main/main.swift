import ProviderBridge
import Shared

await ServiceMain.run(service: providerBridgeServiceName) { environment in
    try buildServiceGroup(config: try .fromEnvironment(environment))
}
