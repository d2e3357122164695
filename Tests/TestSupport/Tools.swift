import Foundation

/// Runs a command-line tool found on PATH and returns its exit status and combined output.
public func runTool(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// What ffprobe reads from a video file.
public struct ProbedVideo {
    public let codec: String
    public let width: Int
    public let height: Int
    public let durationSeconds: Double
    public let frameCount: Int

    public init(_ file: URL) throws {
        let (status, output) = try runTool("ffprobe", [
            "-v", "error", "-select_streams", "v:0",
            "-count_frames", "-show_entries", "stream=codec_name,width,height,nb_read_frames:format=duration", "-of", "default=noprint_wrappers=1", file.path,
        ])
        struct Unreadable: Error { let output: String }
        guard status == 0 else { throw Unreadable(output: output) }
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let codec = fields["codec_name"], let width = fields["width"].flatMap(Int.init),
              let height = fields["height"].flatMap(Int.init), let duration = fields["duration"].flatMap(Double.init),
              let frames = fields["nb_read_frames"].flatMap(Int.init) else {
            throw Unreadable(output: output)
        }
        self.codec = codec
        self.width = width
        self.height = height
        self.durationSeconds = duration
        self.frameCount = frames
    }
}
