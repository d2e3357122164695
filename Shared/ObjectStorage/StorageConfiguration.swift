import Foundation
import ServiceSettings

/// Where finished videos and posters are kept, and how their URLs are made.
public enum StorageConfiguration: Sendable {
    /// Local disk under the storage folder, served by api-ingress under `/media/` (the default).
    case local
    /// An S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Supabase Storage's S3 endpoint).
    case s3(S3Settings)

    /// Reads `STORAGE_BACKEND` (`local` or `s3`) and, for S3, the `S3_*` settings.
    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> StorageConfiguration {
        switch environment.string("STORAGE_BACKEND", default: "local").lowercased() {
        case "local": return .local
        case "s3": return .s3(try S3Settings.fromEnvironment(environment))
        case let other: throw ConfigurationError(variable: "STORAGE_BACKEND", problem: "must be local or s3; got '\(other)'")
        }
    }
}

/// An S3-compatible bucket and how to talk to it.
public struct S3Settings: Sendable {
    /// The service's base URL, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://minio:9000` (`S3_ENDPOINT`).
    public var endpoint: URL
    /// The signing region (`S3_REGION`, default `us-east-1`; R2 wants `auto`).
    public var region: String
    /// `S3_BUCKET`.
    public var bucket: String
    /// `S3_ACCESS_KEY_ID` and `S3_SECRET_ACCESS_KEY`.
    public var credentials: AWSCredentials
    /// Path style (`endpoint/bucket/key`, MinIO's and Supabase's) or virtual-host style
    /// (`bucket.endpoint/key`, AWS's): `S3_URL_STYLE` = `path` (default) or `virtual`.
    public var pathStyle: Bool
    /// When set, video URLs are this plus the key (a public bucket or a CDN in front of it);
    /// otherwise they are presigned GET URLs (`S3_PUBLIC_BASE_URL`).
    public var publicBaseURL: String?
    /// How long a presigned video URL works (`S3_PRESIGN_SECONDS`, default 3600, at most 7 days).
    public var presignSeconds: Int
    /// Objects larger than this go up in parts (`S3_MULTIPART_THRESHOLD_MB`, default 16).
    public var multipartThreshold: Int64
    /// The size of each part but the last (`S3_PART_SIZE_MB`, default 8; S3 needs at least 5).
    public var partSize: Int64
    /// Parts in flight at once (`S3_UPLOAD_CONCURRENCY`, default 4).
    public var concurrency: Int
    /// Tries per request (part or whole object) before the upload is given up (and aborted).
    public var attempts: Int

    public init(endpoint: URL, region: String = "us-east-1", bucket: String, credentials: AWSCredentials, pathStyle: Bool = true,
                publicBaseURL: String? = nil, presignSeconds: Int = 3600, multipartThreshold: Int64 = 16 << 20,
                partSize: Int64 = 8 << 20, concurrency: Int = 4, attempts: Int = 3) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.credentials = credentials
        self.pathStyle = pathStyle
        self.publicBaseURL = publicBaseURL
        self.presignSeconds = presignSeconds
        self.multipartThreshold = multipartThreshold
        self.partSize = partSize
        self.concurrency = concurrency
        self.attempts = attempts
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> S3Settings {
        let endpointText = try environment.requiredString("S3_ENDPOINT")
        guard let endpoint = URL(string: endpointText), let scheme = endpoint.scheme?.lowercased(),
              scheme == "http" || scheme == "https", endpoint.host != nil else {
            throw ConfigurationError(variable: "S3_ENDPOINT", problem: "must be an http(s) URL such as https://s3.us-east-1.amazonaws.com; got '\(endpointText)'")
        }
        let style = environment.string("S3_URL_STYLE", default: "path").lowercased()
        guard style == "path" || style == "virtual" else {
            throw ConfigurationError(variable: "S3_URL_STYLE", problem: "must be path or virtual; got '\(style)'")
        }
        return S3Settings(
            endpoint: endpoint,
            region: environment.string("S3_REGION", default: "us-east-1"),
            bucket: try environment.requiredString("S3_BUCKET"),
            credentials: AWSCredentials(accessKeyID: try environment.requiredString("S3_ACCESS_KEY_ID", secret: true),
                                        secretAccessKey: try environment.requiredString("S3_SECRET_ACCESS_KEY", secret: true)),
            pathStyle: style == "path",
            publicBaseURL: environment.optionalString("S3_PUBLIC_BASE_URL").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            presignSeconds: try environment.integer("S3_PRESIGN_SECONDS", default: 3600, in: 1...604_800),
            multipartThreshold: Int64(try environment.integer("S3_MULTIPART_THRESHOLD_MB", default: 16, in: 5...5_000)) << 20,
            partSize: Int64(try environment.integer("S3_PART_SIZE_MB", default: 8, in: 5...5_000)) << 20,
            concurrency: try environment.integer("S3_UPLOAD_CONCURRENCY", default: 4, in: 1...32)
        )
    }
}
