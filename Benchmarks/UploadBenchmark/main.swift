import EventContracts
import Foundation
import ObjectStorage

// Uploads one file to an S3-compatible endpoint the way storage-uploader does (S3Uploader: a HEAD
// for an object already there, one PUT or a multipart upload with per-part SHA-256 checksums, then
// the HEAD check) and prints one line of JSON: bytes, seconds, MB/s and the resident memory growth.
// The file's own SHA-256, which storage-uploader computes while the download streams in, is taken
// before the clock starts and reported apart (digest_seconds).
//   upload-benchmark <endpoint> <bucket> <file> <key>

/// A field of /proc/self/status in kB (VmRSS, VmHWM).
func statusKilobytes(_ field: String) -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
    }
    return 0
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let endpoint = URL(string: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: upload-benchmark <endpoint> <bucket> <file> <key>\n".utf8))
    exit(2)
}
let (bucket, file, key) = (arguments[2], arguments[3], arguments[4])
let environment = ProcessInfo.processInfo.environment
let settings = S3Settings(endpoint: endpoint, bucket: bucket,
                          credentials: AWSCredentials(accessKeyID: environment["AWS_ACCESS_KEY_ID"] ?? "test",
                                                      secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "test"),
                          partSize: Int64(environment["S3_PART_SIZE_MB"].flatMap(Int.init) ?? 8) << 20,
                          concurrency: environment["S3_UPLOAD_CONCURRENCY"].flatMap(Int.init) ?? 4)
let client = S3Client(settings: settings)
try await client.createBucket()
let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int64) ?? 0

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let rssBefore = statusKilobytes("VmRSS")
let digestStart = ContinuousClock.now
guard let digest = FileDigest.sha256(path: file)?.hexEncoded else {
    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
    exit(1)
}
let digestSeconds = seconds(ContinuousClock.now - digestStart)
let start = ContinuousClock.now
let outcome = try await S3Uploader(client: client).upload(file: file, key: key, contentType: "video/mp4", bytes: bytes, sha256: digest)
let elapsed = seconds(ContinuousClock.now - start)
let peak = statusKilobytes("VmHWM")
let parts: Int = if case .uploaded(let parts) = outcome { parts } else { 0 }
print(#"{"bytes": \#(bytes), "parts": \#(parts), "seconds": \#(String(format: "%.3f", elapsed)), "mb_per_s": \#(String(format: "%.1f", Double(bytes) / 1_048_576 / elapsed)), "digest_seconds": \#(String(format: "%.3f", digestSeconds)), "rss_before_kb": \#(rssBefore), "rss_peak_kb": \#(peak), "rss_growth_kb": \#(peak - rssBefore)}"#)
