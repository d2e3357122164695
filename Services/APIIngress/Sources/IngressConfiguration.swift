import EventRuntime
import Foundation
import ModelCatalog
import OutboundHTTP
import ServiceSettings
import Signing

/// api-ingress's settings.
public struct IngressConfiguration: Sendable {
    public var common: CommonConfiguration
    /// The model catalog and provider availability, to quote jobs and list models.
    public var routing: RoutingConfiguration
    /// Address to listen on (`INGRESS_HOST`, default 127.0.0.1).
    public var host: String
    /// Port to listen on (`INGRESS_PORT`, default 8080; 0 picks a free port, announced on stdout).
    public var port: Int
    /// The base of the URLs handed to clients (`INGRESS_PUBLIC_URL`, default `http://host:port`).
    public var publicBaseURL: String?
    /// API keys to create at start-up if absent (`INGRESS_BOOTSTRAP_API_KEYS=workspace:key,...`).
    public var bootstrapAPIKeys: [(workspaceID: String, key: String)]
    /// Largest accepted request body (`INGRESS_MAX_UPLOAD_BYTES`, default 64 MiB: a reel's photos
    /// together; each photo is also held to 20 MB).
    public var maxUploadBytes: Int
    /// Address blocks that photo URLs may reach although not public (`INGRESS_FETCH_ALLOW`, CIDRs
    /// such as `127.0.0.1/32`, for development and tests); every other private address is refused.
    public var fetchAllowed: [IPRange]
    /// The bearer token of the admin API (`INGRESS_ADMIN_TOKEN`, at least 24 characters); without
    /// it the admin endpoints answer 404.
    public var adminToken: String?
    /// The HS256 key of JWT bearer tokens (`INGRESS_JWT_SECRET`, at least 32 characters); without it
    /// only API keys are accepted.
    public var jwtSecret: String?
    /// Shrinks the client webhook retry schedule (`INGRESS_WEBHOOK_RETRY_SCALE`, default 1: about
    /// 32 hours; tests use a tiny scale to run it in moments).
    public var webhookRetryScale: Double
    /// The compatibility APIs' price lists and waits (`COMPAT_*`).
    public var compat: CompatSettings
    /// How long an input photo is kept after the last job that used it finished
    /// (`INGRESS_INPUT_RETENTION_HOURS`, default 24).
    public var inputRetention: Duration
    /// Every workspace's rate and jobs-in-flight limits unless the admin API set its own
    /// (`INGRESS_JOBS_PER_MINUTE`, default 600; `INGRESS_JOBS_BURST`, default 60;
    /// `INGRESS_MAX_ACTIVE_JOBS`, default 200; 0 lifts a limit).
    public var workspaceLimits: WorkspaceLimits
    /// The setting that chooses `port`, named when the port is taken (`INGRESS_PORT`; `roomreel dev`'s `--port`).
    public var portSetting: String
    /// Called once the server accepts connections, with the port it is bound to.
    public var onServerRunning: @Sendable (Int) async -> Void

    /// The playground page at `/` (`roomreel dev` only): the key and workspace it uses the public API
    /// with; nil serves no page.
    public var playground: PlaygroundAccess?

    public init(common: CommonConfiguration, routing: RoutingConfiguration, host: String = "127.0.0.1", port: Int = 8080, publicBaseURL: String? = nil,
                bootstrapAPIKeys: [(workspaceID: String, key: String)] = [], maxUploadBytes: Int = 64 << 20,
                fetchAllowed: [IPRange] = [], adminToken: String? = nil, jwtSecret: String? = nil,
                webhookRetryScale: Double = 1, compat: CompatSettings = CompatSettings(), inputRetention: Duration = .seconds(24 * 3600),
                workspaceLimits: WorkspaceLimits = .standard, portSetting: String = "INGRESS_PORT",
                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.common = common
        self.routing = routing
        self.host = host
        self.port = port
        self.publicBaseURL = publicBaseURL
        self.bootstrapAPIKeys = bootstrapAPIKeys
        self.maxUploadBytes = maxUploadBytes
        self.fetchAllowed = fetchAllowed
        self.adminToken = adminToken
        self.jwtSecret = jwtSecret
        self.webhookRetryScale = webhookRetryScale
        self.compat = compat
        self.inputRetention = inputRetention
        self.workspaceLimits = workspaceLimits
        self.portSetting = portSetting
        self.onServerRunning = onServerRunning
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> IngressConfiguration {
        try fromEnvironment(environment, common: .fromEnvironment(environment), routing: .fromEnvironment(environment))
    }

    /// api-ingress's own settings (`INGRESS_*`, `FFMPEG_PATH`) from the environment, around common and
    /// routing settings made elsewhere (`roomreel dev` brings its own cluster, data folder and providers).
    public static func fromEnvironment(_ environment: EnvironmentReader, common: CommonConfiguration,
                                       routing: RoutingConfiguration) throws -> IngressConfiguration {
        let adminToken = environment.optionalString("INGRESS_ADMIN_TOKEN", secret: true)
        if let adminToken, adminToken.count < 24 {
            throw ConfigurationError(variable: "INGRESS_ADMIN_TOKEN", problem: "is \(adminToken.count) characters; use at least 24 (say, `openssl rand -hex 24`)")
        }
        let jwtSecret = environment.optionalString("INGRESS_JWT_SECRET", secret: true)
        if let jwtSecret, jwtSecret.utf8.count < HS256Tokens.minimumKeyBytes {
            throw ConfigurationError(variable: "INGRESS_JWT_SECRET", problem: "is \(jwtSecret.utf8.count) bytes; HS256 keys need at least \(HS256Tokens.minimumKeyBytes)")
        }
        let scaleText = environment.string("INGRESS_WEBHOOK_RETRY_SCALE", default: "1")
        guard let webhookRetryScale = Double(scaleText), webhookRetryScale > 0, webhookRetryScale <= 1 else {
            throw ConfigurationError(variable: "INGRESS_WEBHOOK_RETRY_SCALE", problem: "is '\(scaleText)'; use a number above 0, at most 1")
        }
        let fetchAllowed = try environment.addressRanges("INGRESS_FETCH_ALLOW")
        return IngressConfiguration(
            common: common,
            routing: routing,
            host: environment.string("INGRESS_HOST", default: "127.0.0.1"),
            port: try environment.integer("INGRESS_PORT", default: 8080, in: 0...65535),
            publicBaseURL: environment.optionalString("INGRESS_PUBLIC_URL"),
            bootstrapAPIKeys: try environment.pairs("INGRESS_BOOTSTRAP_API_KEYS", secret: true).map { (workspaceID: $0, key: $1) },
            maxUploadBytes: try environment.integer("INGRESS_MAX_UPLOAD_BYTES", default: 64 << 20, in: 1024...(1 << 30)),
            fetchAllowed: fetchAllowed,
            adminToken: adminToken,
            jwtSecret: jwtSecret,
            webhookRetryScale: webhookRetryScale,
            compat: try CompatSettings.fromEnvironment(environment),
            inputRetention: .seconds(3600 * (try environment.integer("INGRESS_INPUT_RETENTION_HOURS", default: 24, in: 0...8760))),
            workspaceLimits: WorkspaceLimits(
                jobsPerMinute: try environment.integer("INGRESS_JOBS_PER_MINUTE", default: WorkspaceLimits.standard.jobsPerMinute, in: 0...WorkspaceLimits.maximum),
                burst: try environment.integer("INGRESS_JOBS_BURST", default: WorkspaceLimits.standard.burst, in: 0...WorkspaceLimits.maximum),
                maxActiveJobs: try environment.integer("INGRESS_MAX_ACTIVE_JOBS", default: WorkspaceLimits.standard.maxActiveJobs, in: 0...WorkspaceLimits.maximum)),
            onServerRunning: { port in
                FileHandle.standardOutput.write(Data("api-ingress listening on port \(port)\n".utf8))
            }
        )
    }
}

/// What the playground page calls the API as: the dev workspace and its key.
public struct PlaygroundAccess: Sendable {
    public var workspaceID: String
    public var apiKey: String

    public init(workspaceID: String, apiKey: String) {
        self.workspaceID = workspaceID
        self.apiKey = apiKey
    }
}
