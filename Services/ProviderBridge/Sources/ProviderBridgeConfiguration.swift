import EventRuntime
import Foundation
import ModelCatalog
import OutboundHTTP
import ServiceSettings
import Signing

/// provider-bridge's settings.
public struct ProviderBridgeConfiguration: Sendable {
    public var common: CommonConfiguration
    /// The ffmpeg binary the local renderer runs (`FFMPEG_PATH`, default `ffmpeg` on PATH).
    public var ffmpegPath: String
    /// How many local renders the replica runs at once, whatever shards it owns
    /// (`BRIDGE_LOCAL_RENDER_CONCURRENCY`, default 1: ffmpeg already uses every core).
    public var localRenderConcurrency: Int
    /// The remote providers' credentials and endpoints.
    public var providers: ProviderSettings
    /// The catalog (bundled, or `ROOMREEL_MODEL_CATALOG`): each model's typical latency and time limit.
    public var catalog: ModelCatalog
    /// Address the webhook listener binds (`BRIDGE_HTTP_HOST`, default 0.0.0.0: providers call from outside).
    public var httpHost: String
    /// Port of the webhook listener (`BRIDGE_HTTP_PORT`, default 8090; 0 picks a free one).
    public var httpPort: Int
    /// The URL providers reach the webhook listener at (`BRIDGE_PUBLIC_URL`, e.g.
    /// `https://hooks.example.com`); by default `http://127.0.0.1:<port>`, right only for a provider
    /// on the same machine (the simulator).
    public var publicURL: URL?
    /// The key behind Kling and Luma callback tokens (`BRIDGE_CALLBACK_SECRET`); when unset, made
    /// once and kept in the data folder.
    public var callbackSecret: String?
    /// A generation's time limit when its model names none (`GENERATION_TIMEOUT_SECONDS`, default 600).
    public var defaultTimeLimit: Duration
    /// When a webhook provider's job with no result is first checked with a GET
    /// (`BRIDGE_RECONCILE_AFTER_SECONDS`); by default one and a half times the model's typical latency.
    public var reconcileAfter: Duration?
    /// The first interval between status polls of Veo and Runway jobs (`BRIDGE_POLL_INTERVAL_MS`,
    /// default 5000), doubling up to 12 times that.
    public var pollInterval: Duration
    /// Submission attempts before a job fails with `PROVIDER_ERROR` (`BRIDGE_SUBMIT_ATTEMPTS`, default 5).
    public var submitAttempts: Int
    /// The first backoff after a failed submission (`BRIDGE_RETRY_BASE_MS`, default 1000), doubling.
    public var retryBaseDelay: Duration
    /// The longest the scheduler sleeps when nothing wakes it (`BRIDGE_SCHEDULER_TICK_MS`, default
    /// 30000): it wakes for new jobs and at their check times, so this only bounds how late a time
    /// changed behind its back is seen.
    public var schedulerTick: Duration
    /// This bridge's name in its announcements of the providers it serves (`BRIDGE_INSTANCE_ID`,
    /// default `<host name>-<REPLICA_ID>`): one name per running bridge.
    public var instanceID: String
    /// How often the bridge renews that announcement (`BRIDGE_ANNOUNCE_INTERVAL_SECONDS`, default
    /// 60); each holds for three intervals, so a bridge gone that long stops being offered.
    public var announceInterval: Duration

    public init(common: CommonConfiguration, ffmpegPath: String = "ffmpeg", localRenderConcurrency: Int = 1,
                providers: ProviderSettings = ProviderSettings(), catalog: ModelCatalog? = nil, httpHost: String = "127.0.0.1",
                httpPort: Int = 0, publicURL: URL? = nil, callbackSecret: String? = nil, defaultTimeLimit: Duration = .seconds(600), reconcileAfter: Duration? = nil,
                pollInterval: Duration = .seconds(5), submitAttempts: Int = 5, retryBaseDelay: Duration = .seconds(1),
                schedulerTick: Duration = .seconds(30), instanceID: String = ProcessInfo.processInfo.hostName,
                announceInterval: Duration = .seconds(60)) throws {
        self.common = common
        self.ffmpegPath = ffmpegPath
        self.localRenderConcurrency = localRenderConcurrency
        self.providers = providers
        self.catalog = try catalog ?? ModelCatalog.bundled()
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.publicURL = publicURL
        self.callbackSecret = callbackSecret
        self.defaultTimeLimit = defaultTimeLimit
        self.reconcileAfter = reconcileAfter
        self.pollInterval = pollInterval
        self.submitAttempts = submitAttempts
        self.retryBaseDelay = retryBaseDelay
        self.schedulerTick = schedulerTick
        self.instanceID = instanceID
        self.announceInterval = announceInterval
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> ProviderBridgeConfiguration {
        let reconcile = try environment.integer("BRIDGE_RECONCILE_AFTER_SECONDS", default: 0, in: 0...86_400)
        let common = try CommonConfiguration.fromEnvironment(environment)
        return try ProviderBridgeConfiguration(
            common: common,
            ffmpegPath: environment.string("FFMPEG_PATH", default: "ffmpeg"),
            localRenderConcurrency: try environment.integer("BRIDGE_LOCAL_RENDER_CONCURRENCY", default: 1, in: 1...16),
            providers: try .fromEnvironment(environment),
            catalog: try RoutingConfiguration.fromEnvironment(environment).catalog,
            httpHost: environment.string("BRIDGE_HTTP_HOST", default: "0.0.0.0"),
            httpPort: try environment.integer("BRIDGE_HTTP_PORT", default: 8090, in: 0...65_535),
            publicURL: try environment.httpURL("BRIDGE_PUBLIC_URL", default: nil),
            callbackSecret: environment.optionalString("BRIDGE_CALLBACK_SECRET", secret: true),
            defaultTimeLimit: .seconds(try environment.integer("GENERATION_TIMEOUT_SECONDS", default: 600, in: 5...86_400)),
            reconcileAfter: reconcile == 0 ? nil : .seconds(reconcile),
            pollInterval: .milliseconds(try environment.integer("BRIDGE_POLL_INTERVAL_MS", default: 5000, in: 10...600_000)),
            submitAttempts: try environment.integer("BRIDGE_SUBMIT_ATTEMPTS", default: 5, in: 1...20),
            retryBaseDelay: .milliseconds(try environment.integer("BRIDGE_RETRY_BASE_MS", default: 1000, in: 1...60_000)),
            schedulerTick: .milliseconds(try environment.integer("BRIDGE_SCHEDULER_TICK_MS", default: 30_000, in: 10...600_000)),
            instanceID: environment.string("BRIDGE_INSTANCE_ID", default: "\(ProcessInfo.processInfo.hostName)-\(common.replicaID)"),
            announceInterval: .seconds(try environment.integer("BRIDGE_ANNOUNCE_INTERVAL_SECONDS", default: 60, in: 1...3600))
        )
    }

    /// Where finished local renders (and Veo outputs, which need the API key to fetch) wait for
    /// storage-uploader to collect them: a folder per shard inside it.
    var renderDirectory: URL { common.dataDirectory.appendingPathComponent("renders") }
}

/// The remote providers' credentials (the same variables that make their models routable) and API
/// base URLs (`*_BASE_URL`, defaulting to the real services; pointed at `provider-sim` in development).
public struct ProviderSettings: Sendable {
    public var replicateToken: String?
    /// `REPLICATE_WEBHOOK_SECRET` (`whsec_…`); when unset, read once from Replicate's
    /// `GET /v1/webhooks/default/secret` at start-up.
    public var replicateWebhookSecret: String?
    public var klingAccessKey: String?
    public var klingSecretKey: String?
    public var googleAPIKey: String?
    public var lumaAPIKey: String?
    public var runwaySecret: String?
    public var replicateBaseURL: URL
    public var klingBaseURL: URL
    public var googleBaseURL: URL
    public var lumaBaseURL: URL
    public var runwayBaseURL: URL

    public static let defaultBaseURLs: [String: URL] = [
        "replicate": URL(string: "https://api.replicate.com")!,
        "kling": URL(string: "https://api-singapore.klingai.com")!,
        "google": URL(string: "https://generativelanguage.googleapis.com")!,
        "luma": URL(string: "https://api.lumalabs.ai")!,
        "runway": URL(string: "https://api.dev.runwayml.com")!,
    ]

    public init(replicateToken: String? = nil, replicateWebhookSecret: String? = nil, klingAccessKey: String? = nil,
                klingSecretKey: String? = nil, googleAPIKey: String? = nil, lumaAPIKey: String? = nil, runwaySecret: String? = nil,
                baseURLs: [String: URL] = [:]) {
        self.replicateToken = replicateToken
        self.replicateWebhookSecret = replicateWebhookSecret
        self.klingAccessKey = klingAccessKey
        self.klingSecretKey = klingSecretKey
        self.googleAPIKey = googleAPIKey
        self.lumaAPIKey = lumaAPIKey
        self.runwaySecret = runwaySecret
        let urls = Self.defaultBaseURLs.merging(baseURLs) { $1 }
        replicateBaseURL = urls["replicate"]!
        klingBaseURL = urls["kling"]!
        googleBaseURL = urls["google"]!
        lumaBaseURL = urls["luma"]!
        runwayBaseURL = urls["runway"]!
    }

    /// Every provider pointed at one base URL with made-up credentials: how `roomreel dev --providers
    /// sim` and the tests reach `provider-sim`, which speaks all five APIs on one port.
    public static func simulator(at baseURL: URL, webhookSecret: String) -> ProviderSettings {
        ProviderSettings(replicateToken: "r8_sim", replicateWebhookSecret: webhookSecret, klingAccessKey: "sim-access",
                         klingSecretKey: "sim-kling-secret-key-of-32-bytes-or-more", googleAPIKey: "sim-google", lumaAPIKey: "sim-luma", runwaySecret: "sim-runway",
                         baseURLs: Dictionary(uniqueKeysWithValues: defaultBaseURLs.keys.map { ($0, baseURL) }))
    }

    /// The settings from `REPLICATE_API_TOKEN`, `KLING_ACCESS_KEY` … and the `*_BASE_URL` variables.
    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> ProviderSettings {
        var baseURLs: [String: URL] = [:]
        for (provider, variable) in [("replicate", "REPLICATE_BASE_URL"), ("kling", "KLING_BASE_URL"), ("google", "GOOGLE_VEO_BASE_URL"),
                                     ("luma", "LUMA_BASE_URL"), ("runway", "RUNWAY_BASE_URL")] {
            if let url = try environment.httpURL(variable, default: nil) { baseURLs[provider] = url }
        }
        let secret = environment.optionalString("REPLICATE_WEBHOOK_SECRET", secret: true)
        if let secret, StandardWebhookSignature(secret: secret) == nil {
            throw ConfigurationError(variable: "REPLICATE_WEBHOOK_SECRET", problem: "must be whsec_ followed by base64 of at least 16 bytes")
        }
        let klingSecretKey = environment.optionalString("KLING_SECRET_KEY", secret: true)
        if let klingSecretKey, klingSecretKey.utf8.count < HS256Tokens.minimumKeyBytes {
            throw ConfigurationError(variable: "KLING_SECRET_KEY",
                                     problem: "is \(klingSecretKey.utf8.count) bytes; Kling's tokens are HS256, whose keys need at least \(HS256Tokens.minimumKeyBytes)")
        }
        return ProviderSettings(
            replicateToken: environment.optionalString("REPLICATE_API_TOKEN", secret: true), replicateWebhookSecret: secret,
            klingAccessKey: environment.optionalString("KLING_ACCESS_KEY", secret: true), klingSecretKey: klingSecretKey,
            googleAPIKey: environment.optionalString("GOOGLE_API_KEY", secret: true), lumaAPIKey: environment.optionalString("LUMA_API_KEY", secret: true),
            runwaySecret: environment.optionalString("RUNWAYML_API_SECRET", secret: true), baseURLs: baseURLs)
    }

    /// A client for each provider with credentials.
    /// The remote providers these settings build clients for: what the bridge will announce (with `local`).
    public var configuredProviders: Set<String> { Set(clients().keys) }

    func clients(client: ServiceHTTPClient = ServiceHTTPClient()) -> [String: any VideoProvider] {
        var providers: [String: any VideoProvider] = [:]
        if let replicateToken { providers["replicate"] = ReplicateProvider(baseURL: replicateBaseURL, token: replicateToken, client: client) }
        if let klingAccessKey, let klingSecretKey {
            providers["kling"] = KlingProvider(baseURL: klingBaseURL, accessKey: klingAccessKey, secretKey: klingSecretKey, client: client)
        }
        if let googleAPIKey { providers["google"] = VeoProvider(baseURL: googleBaseURL, apiKey: googleAPIKey, client: client) }
        if let lumaAPIKey { providers["luma"] = LumaProvider(baseURL: lumaBaseURL, apiKey: lumaAPIKey, client: client) }
        if let runwaySecret { providers["runway"] = RunwayProvider(baseURL: runwayBaseURL, secret: runwaySecret, client: client) }
        return providers
    }
}
