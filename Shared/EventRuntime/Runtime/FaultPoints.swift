import Foundation

/// Named places where a test can make a service die on purpose, to prove that nothing is lost or
/// repeated across a crash. Armed only through `ROOMREEL_FAULTS`; unarmed points cost a set lookup.
public struct FaultPoints: Sendable {
    private let armed: Set<String>

    /// Arms the comma-separated point names in `list`.
    public init(_ list: String = "") {
        armed = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// Whether the named point is armed.
    public func isArmed(_ name: String) -> Bool { armed.contains(name) }

    /// Kills the process with SIGKILL (no clean-up, as in a real crash) when `name` is armed.
    public func crashIfArmed(_ name: String) {
        guard armed.contains(name) else { return }
        FileHandle.standardError.write(Data("fault point \(name): killing process\n".utf8))
        kill(getpid(), SIGKILL)
    }
}
