import EventRuntime
import StorageUploader

await ServiceMain.run(service: storageUploaderServiceName) { environment in
    try buildServiceGroup(config: try .fromEnvironment(environment))
}
