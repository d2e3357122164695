import Shared

/// storage-uploader's settings.
public struct StorageUploaderConfiguration: Sendable {
    public var common: CommonConfiguration

    public init(common: CommonConfiguration) {
        self.common = common
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> StorageUploaderConfiguration {
        StorageUploaderConfiguration(common: try .fromEnvironment(environment))
    }
}
