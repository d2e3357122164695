/// The URL a client fetches a stored video or poster from, made fresh whenever a job is read (a
/// presigned URL expires; the key does not).
public struct VideoLinks: Sendable {
    public let storage: StorageConfiguration

    public init(storage: StorageConfiguration) {
        self.storage = storage
    }

    /// `<localBaseURL>/media/<key>` for local disk (api-ingress serves it), the bucket's public URL
    /// when one is configured, otherwise a presigned GET URL that works for the configured time.
    public func url(for key: String, localBaseURL: String) -> String {
        switch storage {
        case .local:
            return "\(localBaseURL)/media/\(key)"
        case .s3(let settings):
            if let publicBase = settings.publicBaseURL {
                return publicBase + AWSSignatureV4.encodePath(key)
            }
            return S3Client(settings: settings).presignedGetURL(key, expires: settings.presignSeconds)
        }
    }
}
