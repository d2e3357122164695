import Foundation
import TestSupport
import Testing

@Suite("docker/Dockerfile")
struct DockerfileTests {
    /// The sources the build stage's `COPY` lines take from the build context (not `--from` a stage).
    static func copiedPaths(of dockerfile: String) -> [String] {
        dockerfile.split(separator: "\n").flatMap { line -> [String] in
            let words = line.split(separator: " ").map(String.init)
            guard words.first == "COPY", !words.contains(where: { $0.hasPrefix("--from") }) else { return [] }
            return words.dropFirst().filter { !$0.hasPrefix("--") }.dropLast()
        }
    }

    @Test("the package loads from exactly what the Dockerfile copies (no engine runs here, so swift package describe stands in for the build)")
    func buildContextHoldsThePackage() throws {
        let root = BuiltProducts.packageRoot
        let dockerfile = try String(contentsOf: root.appendingPathComponent("docker/Dockerfile"), encoding: .utf8)
        let paths = Self.copiedPaths(of: dockerfile)
        #expect(paths.contains("Package.swift"), "\(paths)")
        let context = try TemporaryDirectory()
        defer { context.remove() }
        for path in paths {
            try FileManager.default.copyItem(at: root.appendingPathComponent(path), to: context.url.appendingPathComponent(path))
        }
        let described = try runTool("swift", ["package", "describe", "--type", "json"], in: context.url)
        #expect(described.status == 0, "\(described.output.prefix(2000))")
    }
}
