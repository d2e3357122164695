import EventContracts
import Foundation
import OutboundHTTP

/// Gets a provider's output onto local disk. `file:` URLs (the local renderer's) are used where they
/// are; http(s) URLs are streamed to a work file (never whole in memory) under the same address
/// rules as the clients' photo URLs, with time and size limits, and tried again with backoff while
/// the failure may pass (timeouts, 5xx, 429). A URL that answers 4xx has expired or never was:
/// that is final.
struct OutputDownloader: Sendable {
    let fetcher: OutboundFetcher
    let attempts: Int
    let baseDelay: Duration
    let workDirectory: URL

    /// A local copy of an output, whether it is a work file to delete afterwards, and its SHA-256
    /// when it was computed on the way in.
    struct LocalOutput {
        let file: URL
        let isWorkFile: Bool
        var sha256: String?
    }

    func fetch(_ location: String, name: String) async throws(RoomReelError) -> LocalOutput {
        guard let url = URL(string: location), let scheme = url.scheme?.lowercased() else {
            throw RoomReelError(.outputUnavailable, "the provider's output location '\(location)' is not a URL")
        }
        if scheme == "file" {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw RoomReelError(.outputUnavailable, "the provider's output is gone: \(url.path)")
            }
            return LocalOutput(file: url, isWorkFile: false)
        }
        guard scheme == "http" || scheme == "https" else {
            throw RoomReelError(.outputUnavailable, "unsupported output location '\(location)'")
        }
        do {
            try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        } catch {
            throw RoomReelError(.internalError, "cannot create \(workDirectory.path): \(error)")
        }
        let file = workDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        var attempt = 1
        while true {
            do {
                let fetched = try await fetcher.download(url, to: file)
                return LocalOutput(file: file, isWorkFile: true, sha256: fetched.sha256)
            } catch {
                guard Self.mayPass(error), attempt < attempts else { throw Self.failure(error, url: url, attempts: attempt) }
                try? await Task.sleep(for: baseDelay * (1 << (attempt - 1)))
                attempt += 1
            }
        }
    }

    private static func mayPass(_ error: OutboundFetchError) -> Bool {
        switch error {
        case .timedOut, .transport, .unresolvableHost: true
        case .httpStatus(let status): status >= 500 || status == 429 || status == 408
        case .unsupportedScheme, .refusedAddress, .tooManyRedirects, .tooLarge: false
        }
    }

    private static func failure(_ error: OutboundFetchError, url: URL, attempts: Int) -> RoomReelError {
        let host = url.host ?? "the provider"
        switch error {
        case .tooLarge(let limit):
            return RoomReelError(.outputInvalid, "the provider's output is larger than \(limit) bytes")
        case .httpStatus(let status) where (400..<500).contains(status) && status != 408 && status != 429:
            return RoomReelError(.outputUnavailable, "the provider's output at \(host) answered HTTP \(status) (expired or removed)")
        default:
            return RoomReelError(.outputUnavailable, "the provider's output at \(host) could not be fetched after \(attempts) tries: \(error)")
        }
    }
}
