import Foundation

/// Everything the simulator remembers, kept in one `Mutex`.
struct SimulatorState: Sendable {
    var tasks: [String: SimulatedTask] = [:]
    var faults = SimulatorFaults()
    var stats = SimulatorStats()
    /// Rendered clips by input digest, aspect ratio and length: the same photo asked for again is
    /// not rendered again.
    var renders: [String: URL] = [:]

    /// Counts a create call and says whether the faults refuse it (and how).
    mutating func admitCreate(api: SimulatedAPI) -> CreateRefusal? {
        stats.creates[api.rawValue, default: 0] += 1
        if faults.rejectCredentials { return .unauthorized }
        if faults.rateLimitedCreates > 0 {
            faults.rateLimitedCreates -= 1
            return .rateLimited
        }
        if faults.failedCreates > 0 {
            faults.failedCreates -= 1
            return .serverError
        }
        return nil
    }

    enum CreateRefusal {
        case unauthorized, rateLimited, serverError
    }
}
