/// How much one workspace may ask of api-ingress at a time: job requests at `jobsPerMinute` with
/// bursts of up to `burst`, and at most `maxActiveJobs` jobs not yet finished. 0 lifts a limit.
/// Every workspace has the operator's defaults (`INGRESS_JOBS_PER_MINUTE`, `INGRESS_JOBS_BURST`,
/// `INGRESS_MAX_ACTIVE_JOBS`) unless the admin API gave it limits of its own.
public struct WorkspaceLimits: Sendable, Equatable, Codable {
    public var jobsPerMinute: Int
    public var burst: Int
    public var maxActiveJobs: Int

    /// The defaults without settings: 10 jobs a second with bursts of 60, and 200 in flight.
    public static let standard = WorkspaceLimits(jobsPerMinute: 600, burst: 60, maxActiveJobs: 200)
    /// No limits at all (benchmarks that flood one workspace on purpose).
    public static let none = WorkspaceLimits(jobsPerMinute: 0, burst: 0, maxActiveJobs: 0)
    /// The largest value any limit takes.
    public static let maximum = 1_000_000

    public init(jobsPerMinute: Int, burst: Int, maxActiveJobs: Int) {
        self.jobsPerMinute = jobsPerMinute
        self.burst = burst
        self.maxActiveJobs = maxActiveJobs
    }

    enum CodingKeys: String, CodingKey {
        case burst
        case jobsPerMinute = "jobs_per_minute"
        case maxActiveJobs = "max_active_jobs"
    }

    /// Whether job requests are rate limited at all.
    var limitsRate: Bool { jobsPerMinute > 0 }
    /// The bucket's size: `burst`, or a minute's worth when no burst is set.
    var bucketSize: Int { burst > 0 ? burst : jobsPerMinute }
}
