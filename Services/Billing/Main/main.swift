import Billing
import EventRuntime

await ServiceMain.run(service: billingServiceName) { environment in
    try buildServiceGroup(config: try .fromEnvironment(environment))
}
