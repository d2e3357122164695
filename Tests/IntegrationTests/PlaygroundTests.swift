import Foundation
import Testing
import TestSupport

@Suite("The playground page in a real browser")
struct PlaygroundTests {
    @Test("roomreel dev's page loads with no console errors, takes a photo through its form, advances its progress bar and plays the finished mp4 (headless Chromium, selenium); the screenshot is kept")
    func playground() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("data")
        let dev = try ServiceProcess(executable: BuiltProducts.executable("roomreel"),
                                     arguments: ["dev", "--port", "0", "--data-dir", data.path],
                                     environment: ProcessInfo.processInfo.environment, logDirectory: directory.url, name: "roomreel-dev-playground")
        do {
            let ready = try await dev.line(startingWith: "RoomReel ready on http://127.0.0.1:")
            let base = String(ready.dropFirst("RoomReel ready on ".count))
            let artifacts = BuiltProducts.packageRoot.appendingPathComponent(".build/test-artifacts")
            try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
            let screenshot = artifacts.appendingPathComponent("playground.png")
            try? FileManager.default.removeItem(at: screenshot)
            let python = BuiltProducts.packageRoot.appendingPathComponent(".build-tools/venv/bin/python").path
            let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/playground.py").path
            let result = try runTool(python, [script, base, BuiltProducts.samplePhoto.path, screenshot.path])
            #expect(result.status == 0, "\(result.output)")
            #expect(FileManager.default.fileExists(atPath: screenshot.path), "no screenshot at \(screenshot.path)")
        } catch {
            Issue.record("roomreel dev log:\n\(dev.output)")
            await dev.stop()
            throw error
        }
        #expect(await dev.stop(), "roomreel dev did not shut down gracefully on SIGTERM")
    }
}
