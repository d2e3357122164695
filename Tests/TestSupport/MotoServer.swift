import Foundation
import ObjectStorage
import OutboundHTTP

/// The Python tools `make test` installs into `.build-tools/venv` (moto's S3 server, awscli, botocore).
public enum PythonTools {
    /// The package's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's `bin` folder (`ROOMREEL_TOOLS_VENV` overrides the venv's place).
    public static var bin: URL {
        let venv = ProcessInfo.processInfo.environment["ROOMREEL_TOOLS_VENV"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".build-tools/venv")
        return venv.appendingPathComponent("bin")
    }

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The path of a tool in the venv, or an error that says how to get it.
    public static func path(_ tool: String) throws -> String {
        let path = bin.appendingPathComponent(tool).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "\(path) is missing: run `make test` (it installs moto[server] and awscli into .build-tools/venv)")
        }
        return path
    }
}

/// moto's S3-compatible server on a loopback port of its own, a real S3 REST API for the tests.
public final class MotoServer: @unchecked Sendable {
    public let endpoint: URL
    private let process: Process

    /// Starts the server and returns once it answers.
    public static func start() async throws -> MotoServer {
        let server = try MotoServer()
        let probe = S3Client(settings: server.settings(bucket: "moto-ready-probe"), timeout: .seconds(5))
        do {
            try await eventually("moto_server answering on \(server.endpoint)", timeout: .seconds(60)) { () -> Bool? in
                do {
                    try await probe.createBucket()
                    return true
                } catch S3Error.transport {
                    return nil
                }
            }
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    private init() throws {
        let port = try FreePort.pick()
        endpoint = URL(string: "http://127.0.0.1:\(port)")!
        process = Process()
        process.executableURL = URL(fileURLWithPath: try PythonTools.path("moto_server"))
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Kills the server (it keeps its objects in memory: nothing to shut down gracefully) and waits
    /// for it to go. Polls rather than `waitUntilExit`, which spins a run loop and can hang off the
    /// main thread.
    public func stop() async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        _ = try? await eventually("moto_server to exit", timeout: .seconds(10)) { process.isRunning ? nil : true }
    }

    /// Settings for `bucket` on this server (moto takes any credentials).
    public func settings(bucket: String, multipartThreshold: Int64 = 16 << 20, partSize: Int64 = 8 << 20) -> S3Settings {
        S3Settings(endpoint: endpoint, bucket: bucket, credentials: AWSCredentials(accessKeyID: "test", secretAccessKey: "test-secret"),
                   multipartThreshold: multipartThreshold, partSize: partSize)
    }
}
