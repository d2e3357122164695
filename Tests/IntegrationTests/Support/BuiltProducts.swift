import Foundation

/// Where `swift build` put RoomReel's executables: next to the test bundle, or `ROOMREEL_BIN_DIR`.
enum BuiltProducts {
    static let directory: URL = {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["ROOMREEL_BIN_DIR"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates += [runner.deletingLastPathComponent(), Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("roomreel").path) }
            ?? packageRoot.appendingPathComponent(".build/debug")
    }()

    static func executable(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// The package's root folder, found from this source file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let samplePhoto = packageRoot.appendingPathComponent("Samples/living-room.jpg")
}
