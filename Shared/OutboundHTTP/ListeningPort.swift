import Foundation

/// A check made before a server starts, so that a port another process holds stops start-up with
/// one line naming the port and the setting that chooses it, rather than with a bind error after
/// the rest of the service group has started and been cancelled.
public enum ListeningPort {
    /// The port is held by another socket.
    public struct InUse: Error, CustomStringConvertible {
        public let host: String
        public let port: Int
        public let setting: String
        public var description: String {
            "port \(port) on \(host) is already in use: stop what holds it, or choose another port with \(setting)"
        }
    }

    /// Throws `InUse` when `host:port` cannot be bound now. Port 0 (the kernel's pick) always can.
    /// Binds with SO_REUSEADDR as the server will, so a port left in TIME_WAIT is not taken for busy.
    public static func ensureAvailable(host: String, port: Int, setting: String) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else { return }
        defer { freeaddrinfo(found) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 && errno == EADDRINUSE {
            throw InUse(host: host, port: port, setting: setting)
        }
    }
}
