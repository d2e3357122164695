import CCurl
import Synchronization

/// One libcurl easy handle, cleaned up with this object. Used by one transfer at a time: the pool
/// hands it from one to the next under its lock, hence `@unchecked Sendable`.
final class CurlEasyHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init?() {
        guard let pointer = curl_easy_init() else { return nil }
        self.pointer = pointer
    }

    deinit { curl_easy_cleanup(pointer) }
}

/// Idle easy handles, so that the next transfer reuses their open connections (libcurl keeps a
/// connection cache per handle) instead of connecting afresh: fetching photos from the same host over
/// and over, or sending webhooks to the same receiver, then costs no new TCP or TLS handshake.
///
/// Handles are kept apart by `CurlRequest.connectionClass`: a connection opened under one set of
/// address rules (or none, for the operator's object storage) is never reused under another, so a
/// connection the SSRF rules would refuse cannot be borrowed. Every connection was checked by those
/// rules when it opened.
final class CurlHandlePool: Sendable {
    static let shared = CurlHandlePool()

    private let idle = Mutex<[String: [CurlEasyHandle]]>([:])
    /// Idle handles kept per class; more are cleaned up (each holds a few connections open).
    let capacityPerClass = 64

    /// An idle handle of `connectionClass`, or a new one.
    func take(_ connectionClass: String) -> CurlEasyHandle? {
        idle.withLock { $0[connectionClass]?.popLast() } ?? CurlEasyHandle()
    }

    /// Takes `handle` back once its transfer is over, with its options reset (its connections stay).
    func giveBack(_ handle: CurlEasyHandle, connectionClass: String) {
        curl_easy_reset(handle.pointer)
        idle.withLock { idle in
            if idle[connectionClass, default: []].count < capacityPerClass { idle[connectionClass, default: []].append(handle) }
        }
    }
}
