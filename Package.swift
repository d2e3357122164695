// swift-tools-version: 6.1
import PackageDescription

/// One library target per service so that tests and `roomreel dev` run the same code the
/// executables do; each executable is a thin `main` over its library.
let serviceLibraries: [(name: String, folder: String)] = [
    ("APIIngress", "APIIngress"),
    ("ModelRouter", "ModelRouter"),
    ("Billing", "Billing"),
    ("ProviderBridge", "ProviderBridge"),
    ("StorageUploader", "StorageUploader"),
]
let executables: [(name: String, library: String)] = [
    ("api-ingress", "APIIngress"),
    ("model-router", "ModelRouter"),
    ("billing", "Billing"),
    ("provider-bridge", "ProviderBridge"),
    ("storage-uploader", "StorageUploader"),
]

let shared: [Target.Dependency] = [
    "Shared",
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "GRDB", package: "GRDB.swift"),
]

var targets: [Target] = [
    .systemLibrary(
        name: "CRdKafka",
        path: "Shared/CRdKafka",
        pkgConfig: "rdkafka",
        providers: [.apt(["librdkafka-dev"])]
    ),
    .systemLibrary(
        name: "CCurl",
        path: "Shared/CCurl",
        pkgConfig: "libcurl",
        providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    .target(
        name: "Shared",
        dependencies: [
            "CRdKafka",
            "CCurl",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ],
        path: "Shared/Sources",
        resources: [.copy("Catalog/models.json")]
    ),
    // The renderer's per-pixel work, in C so that it runs optimised even in debug builds (tests and
    // `make run` use debug builds; unoptimised Swift would be tens of times slower per pixel).
    .target(
        name: "CRenderKernel",
        path: "Services/ProviderBridge/RenderKernel",
        cSettings: [.unsafeFlags(["-O3"])]
    ),
    .target(
        name: "LocalRender",
        dependencies: shared + ["CRenderKernel"],
        path: "Services/ProviderBridge/LocalRender"
    ),
    // provider-sim: the providers' APIs on loopback, for tests and `roomreel dev --providers sim`.
    .target(
        name: "ProviderSim",
        dependencies: shared + ["LocalRender", .product(name: "Hummingbird", package: "hummingbird"),
                                .product(name: "Crypto", package: "swift-crypto")],
        path: "Services/ProviderSim/Sources"
    ),
    .executableTarget(
        name: "provider-sim",
        dependencies: shared + ["ProviderSim"],
        path: "Services/ProviderSim/Main"
    ),
    .executableTarget(
        name: "roomreel",
        dependencies: shared + serviceLibraries.map { .target(name: $0.name) } + ["LocalRender", "ProviderSim"] + [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        path: "Services/RoomReel"
    ),
    .target(
        name: "TestSupport",
        dependencies: shared + [.product(name: "Hummingbird", package: "hummingbird")],
        path: "Tests/TestSupport"
    ),
    .executableTarget(
        name: "ledger-benchmark",
        dependencies: shared + ["Billing"],
        path: "Benchmarks/LedgerBenchmark"
    ),
    .executableTarget(
        name: "router-benchmark",
        dependencies: ["Shared"],
        path: "Benchmarks/RouterBenchmark"
    ),
    .executableTarget(
        name: "webhook-benchmark",
        dependencies: shared + ["ProviderBridge"],
        path: "Benchmarks/WebhookBenchmark"
    ),
    .executableTarget(
        name: "photo-server",
        dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
        path: "Benchmarks/PhotoServer"
    ),
    .executableTarget(
        name: "upload-benchmark",
        dependencies: ["Shared"],
        path: "Benchmarks/UploadBenchmark"
    ),
    .testTarget(
        name: "SharedTests",
        dependencies: shared + ["TestSupport", .product(name: "Hummingbird", package: "hummingbird")],
        path: "Tests/SharedTests"
    ),
    .testTarget(
        name: "BillingTests",
        dependencies: shared + ["TestSupport", "Billing"],
        path: "Tests/BillingTests"
    ),
    .testTarget(
        name: "LocalRenderTests",
        dependencies: shared + ["TestSupport", "LocalRender"],
        path: "Tests/LocalRenderTests"
    ),
    .testTarget(
        name: "APIIngressTests",
        dependencies: shared + ["TestSupport", "APIIngress", .product(name: "Hummingbird", package: "hummingbird"),
                                .product(name: "OpenAPIKit", package: "OpenAPIKit"), .product(name: "Yams", package: "Yams")],
        path: "Tests/APIIngressTests"
    ),
    .testTarget(
        name: "ProviderBridgeTests",
        dependencies: shared + ["TestSupport", "ProviderBridge", "ProviderSim", .product(name: "Hummingbird", package: "hummingbird"),
                                .product(name: "Crypto", package: "swift-crypto")],
        path: "Tests/ProviderBridgeTests"
    ),
    .testTarget(
        name: "StorageUploaderTests",
        dependencies: shared + ["TestSupport", "StorageUploader", .product(name: "Hummingbird", package: "hummingbird")],
        path: "Tests/StorageUploaderTests"
    ),
    .testTarget(
        name: "IntegrationTests",
        dependencies: shared + ["TestSupport", "ProviderSim", .product(name: "Hummingbird", package: "hummingbird"),
                                .product(name: "Yams", package: "Yams")],
        path: "Tests/IntegrationTests"
    ),
]

for library in serviceLibraries {
    var dependencies = shared
    if library.name == "StorageUploader" {
        dependencies.append(.product(name: "Metrics", package: "swift-metrics"))
    }
    if library.name == "ProviderBridge" {
        dependencies += [
            "LocalRender",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]
    }
    if library.name == "APIIngress" {
        dependencies += [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            .product(name: "Yams", package: "Yams"),
        ]
    }
    let resources: [Resource]? = library.name == "APIIngress" ? [.copy("Resources/openapi.yaml")] : nil
    targets.append(.target(name: library.name, dependencies: dependencies, path: "Services/\(library.folder)/Sources", resources: resources))
}
for executable in executables {
    targets.append(.executableTarget(
        name: executable.name,
        dependencies: shared + [.target(name: executable.library)],
        path: "Services/\(executable.library)/Main"
    ))
}

let package = Package(
    name: "RoomReel",
    platforms: [.macOS(.v15)],
    products: executables.map { .executable(name: $0.name, targets: [$0.name]) }
        + [.executable(name: "roomreel", targets: ["roomreel"]), .executable(name: "provider-sim", targets: ["provider-sim"]), .executable(name: "router-benchmark", targets: ["router-benchmark"]),
           .executable(name: "ledger-benchmark", targets: ["ledger-benchmark"]),
           .executable(name: "upload-benchmark", targets: ["upload-benchmark"]),
           .executable(name: "photo-server", targets: ["photo-server"]),
           .executable(name: "webhook-benchmark", targets: ["webhook-benchmark"])],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        // Without its default trait, ExternalLoading, which RoomReel does not use and which builds slowly.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: targets
)
