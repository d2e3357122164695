// swift-tools-version: 6.1
import PackageDescription

// The layout, by folder:
//   Shared/<Library>      the libraries the services share, one concern each (see docs/architecture.md)
//   Services/<Service>    one room per service: Sources (its library) and Main (a thin executable)
//   Renderer/             the local renderer (used by provider-bridge, provider-sim and the CLI)
//   Tools/                the `roomreel` CLI (dev mode, render, ledger) and provider-sim
//   Benchmarks/           benchmark executables and scripts; results in Benchmarks/results
//   Tests/                one test target per library or service, plus the multi-process integration tests

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let openAPIKit: Target.Dependency = .product(name: "OpenAPIKit", package: "OpenAPIKit")
let jwtKit: Target.Dependency = .product(name: "JWTKit", package: "jwt-kit")
let hummingbirdAuth: Target.Dependency = .product(name: "HummingbirdAuth", package: "hummingbird-auth")
let configuration: Target.Dependency = .product(name: "Configuration", package: "swift-configuration")
let subprocess: Target.Dependency = .product(name: "Subprocess", package: "swift-subprocess")
let systemPackage: Target.Dependency = .product(name: "SystemPackage", package: "swift-system")

/// What every service library builds on.
let serviceBase: [Target.Dependency] = ["EventContracts", "ServiceSettings", "EventRuntime", "ModelCatalog", log, lifecycle, grdb]

let libraries: [Target] = [
    .systemLibrary(name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
    .systemLibrary(name: "CCurl", path: "Shared/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CJPEG", path: "Shared/CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
    .systemLibrary(name: "CPNG", path: "Shared/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    // Whole-photo decoding with libjpeg-turbo and libpng, in C: both report errors by longjmp.
    .target(name: "CImageDecode", dependencies: ["CJPEG", "CPNG"], path: "Shared/ImageDecodeKernel", cSettings: [.unsafeFlags(["-O2"])]),
    // Event payloads, the envelope, error codes and the JSON readers and writers they use.
    .target(name: "EventContracts", path: "Shared/EventContracts"),
    // Settings read from the environment, failing fast naming the variable.
    .target(name: "ServiceSettings", dependencies: [configuration], path: "Shared/ServiceSettings"),
    // Threads for blocking calls, off the cooperative pool.
    .target(name: "BlockingIO", dependencies: [.product(name: "DequeModule", package: "swift-collections")], path: "Shared/BlockingIO"),
    // HMAC signatures: Standard Webhooks, and HS256 JWTs through jwt-kit.
    .target(name: "Signing", dependencies: ["EventContracts", crypto, jwtKit], path: "Shared/Signing"),
    // The model catalog, routing and provider health.
    .target(name: "ModelCatalog", dependencies: ["EventContracts", "ServiceSettings"], path: "Shared/ModelCatalog",
            resources: [.copy("models.json")]),
    // Outbound HTTP through libcurl, with the SSRF address policy checked on every socket.
    .target(name: "OutboundHTTP", dependencies: ["EventContracts", "ServiceSettings", "BlockingIO", "CCurl", crypto], path: "Shared/OutboundHTTP"),
    // Local-disk and S3 object storage.
    .target(name: "ObjectStorage", dependencies: ["EventContracts", "ServiceSettings", "OutboundHTTP", crypto], path: "Shared/ObjectStorage"),
    // Image headers, in-process photo decoding, and external processes (ffmpeg, ffprobe).
    .target(name: "Media", dependencies: ["EventContracts", "BlockingIO", "CImageDecode", subprocess, systemPackage], path: "Shared/Media"),
    // Kafka (librdkafka), the SQLite outbox and inbox, and what runs a service around them.
    .target(name: "EventRuntime",
            dependencies: ["EventContracts", "ServiceSettings", "BlockingIO", "ModelCatalog", "ObjectStorage", "CRdKafka", log, lifecycle, grdb, metrics,
                           .product(name: "Prometheus", package: "swift-prometheus")],
            path: "Shared/EventRuntime"),
    // The renderer's per-pixel work, in C so that it runs optimised even in debug builds (tests and
    // `make run` use debug builds; unoptimised Swift would be tens of times slower per pixel).
    .target(name: "CRenderKernel", path: "Renderer/RenderKernel", cSettings: [.unsafeFlags(["-O3"])]),
    .target(name: "LocalRender", dependencies: ["EventContracts", "Media", "CRenderKernel"], path: "Renderer/LocalRender"),
]

let services: [Target] = [
    .target(name: "APIIngress",
            dependencies: serviceBase + ["OutboundHTTP", "ObjectStorage", "Media", "BlockingIO", "Signing", hummingbird, hummingbirdAuth, crypto, jwtKit, metrics, yams, openAPIKit,
                                         .product(name: "MultipartKit", package: "multipart-kit")],
            path: "Services/APIIngress/Sources", resources: [.copy("HTTP/openapi.yaml"), .copy("Playground")]),
    .target(name: "ModelRouter", dependencies: serviceBase, path: "Services/ModelRouter/Sources"),
    .target(name: "Billing", dependencies: serviceBase + [crypto], path: "Services/Billing/Sources"),
    .target(name: "ProviderBridge",
            dependencies: serviceBase + ["OutboundHTTP", "ObjectStorage", "Media", "Signing", "LocalRender", hummingbird, crypto, metrics],
            path: "Services/ProviderBridge/Sources"),
    .target(name: "StorageUploader", dependencies: serviceBase + ["OutboundHTTP", "ObjectStorage", "Media", metrics],
            path: "Services/StorageUploader/Sources"),
]
let serviceExecutables: [(name: String, library: String)] = [
    ("api-ingress", "APIIngress"),
    ("model-router", "ModelRouter"),
    ("billing", "Billing"),
    ("provider-bridge", "ProviderBridge"),
    ("storage-uploader", "StorageUploader"),
]

let tools: [Target] = [
    // provider-sim: the providers' APIs on loopback, for tests and `roomreel dev --providers sim`.
    .target(name: "ProviderSim",
            dependencies: ["EventContracts", "ServiceSettings", "OutboundHTTP", "Signing", "Media", "LocalRender", hummingbird, crypto, log, lifecycle],
            path: "Tools/ProviderSim/Sources"),
    .executableTarget(name: "provider-sim", dependencies: ["ProviderSim", "EventRuntime", "ServiceSettings", "OutboundHTTP", "Signing", log, lifecycle], path: "Tools/ProviderSim/Main"),
    .executableTarget(name: "roomreel",
                      dependencies: serviceBase + services.map { .target(name: $0.name) }
                          + ["OutboundHTTP", "ObjectStorage", "Signing", "LocalRender", "ProviderSim", hummingbird,
                             .product(name: "ArgumentParser", package: "swift-argument-parser")],
                      path: "Tools/RoomReel"),
]

let benchmarks: [Target] = [
    .executableTarget(name: "ledger-benchmark", dependencies: serviceBase + ["Billing"], path: "Benchmarks/LedgerBenchmark"),
    .executableTarget(name: "router-benchmark", dependencies: ["EventContracts", "ModelCatalog"], path: "Benchmarks/RouterBenchmark"),
    .executableTarget(name: "webhook-benchmark", dependencies: serviceBase + ["ProviderBridge", "OutboundHTTP", "Signing"], path: "Benchmarks/WebhookBenchmark"),
    .executableTarget(name: "photo-server", dependencies: [hummingbird], path: "Benchmarks/PhotoServer"),
    .executableTarget(name: "upload-benchmark", dependencies: ["EventContracts", "ObjectStorage", "OutboundHTTP", "ServiceSettings"], path: "Benchmarks/UploadBenchmark"),
]

let tests: [Target] = [
    // A typed client of the public API for the tests, generated from openapi.yaml by swift-openapi-generator
    // (Tests/APIClient/generate.sh; a test fails when the document changed since).
    .target(name: "APIClient",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                           .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
                           .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Tests/APIClient", exclude: ["generate.sh", "openapi-generator-config.yaml", "Generated/openapi.sha256"]),
    .target(name: "TestSupport", dependencies: serviceBase + ["OutboundHTTP", "ObjectStorage", "Signing", hummingbird, jwtKit, configuration], path: "Tests/TestSupport"),
    .testTarget(name: "EventContractsTests", dependencies: ["EventContracts", "EventRuntime", "Signing", "TestSupport", grdb], path: "Tests/EventContractsTests"),
    .testTarget(name: "EventRuntimeTests", dependencies: serviceBase + ["BlockingIO", "ObjectStorage", "TestSupport"], path: "Tests/EventRuntimeTests"),
    .testTarget(name: "ModelCatalogTests", dependencies: serviceBase + ["TestSupport"], path: "Tests/ModelCatalogTests"),
    .testTarget(name: "OutboundHTTPTests", dependencies: ["EventContracts", "OutboundHTTP", "TestSupport", hummingbird, crypto], path: "Tests/OutboundHTTPTests"),
    .testTarget(name: "ObjectStorageTests", dependencies: ["EventContracts", "ServiceSettings", "OutboundHTTP", "ObjectStorage", "TestSupport", hummingbird, crypto],
                path: "Tests/ObjectStorageTests"),
    .testTarget(name: "LocalRenderTests", dependencies: ["EventContracts", "Media", "LocalRender", "TestSupport"], path: "Tests/LocalRenderTests"),
    .testTarget(name: "APIIngressTests", dependencies: serviceBase + ["APIIngress", "Media", "Signing", "TestSupport", hummingbird, openAPIKit, yams, crypto],
                path: "Tests/APIIngressTests"),
    .testTarget(name: "BillingTests", dependencies: serviceBase + ["Billing", "TestSupport"], path: "Tests/BillingTests"),
    .testTarget(name: "ModelRouterTests", dependencies: serviceBase + ["ModelRouter", "TestSupport"], path: "Tests/ModelRouterTests"),
    .testTarget(name: "ProviderBridgeTests",
                dependencies: serviceBase + ["ProviderBridge", "ProviderSim", "LocalRender", "OutboundHTTP", "ObjectStorage", "Signing", "Media", "TestSupport", hummingbird, crypto],
                path: "Tests/ProviderBridgeTests"),
    .testTarget(name: "StorageUploaderTests", dependencies: serviceBase + ["StorageUploader", "OutboundHTTP", "ObjectStorage", "Media", "TestSupport", hummingbird],
                path: "Tests/StorageUploaderTests"),
    // The parsers' fuzz harnesses (Tests/Fuzz): a library the corpus tests replay, and roomreel-fuzz,
    // which Tests/Fuzz/run.sh builds with -sanitize=fuzzer for libFuzzer.
    .target(name: "FuzzHarnesses", dependencies: ["APIIngress", "EventContracts", "Media", "Signing", hummingbird], path: "Tests/Fuzz/Harnesses"),
    .executableTarget(name: "roomreel-fuzz", dependencies: ["FuzzHarnesses"], path: "Tests/Fuzz/Main"),
    .testTarget(name: "FuzzTests", dependencies: ["FuzzHarnesses"], path: "Tests/FuzzTests"),
    .testTarget(name: "IntegrationTests",
                dependencies: serviceBase + ["ProviderSim", "OutboundHTTP", "ObjectStorage", "Signing", "Media", "TestSupport", "APIClient", hummingbird, yams],
                path: "Tests/IntegrationTests", exclude: ["Scripts"]),
]

// Release builds optimise across RoomReel's own modules: the libraries are split by concern, and
// the hot generic helpers (JSON writers, base64url, the event runtime) are called across them.
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
for target in libraries + services + tools + benchmarks where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + crossModule
}

let package = Package(
    name: "RoomReel",
    platforms: [.macOS(.v15)],
    products: serviceExecutables.map { .executable(name: $0.name, targets: [$0.name]) }
        + ["roomreel", "provider-sim", "router-benchmark", "ledger-benchmark", "upload-benchmark", "photo-server", "webhook-benchmark", "roomreel-fuzz"]
            .map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.1.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        // Without its default trait, ExternalLoading, which RoomReel does not use and which builds slowly.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // Environment variables only: no JSON or YAML file providers.
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: []),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.7.0"),
    ],
    targets: libraries + services
        + serviceExecutables.map { .executableTarget(name: $0.name, dependencies: serviceBase + [.target(name: $0.library)], path: "Services/\($0.library)/Main") }
        + tools + benchmarks + tests
)
