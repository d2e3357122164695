import EventContracts
import EventRuntime
import GRDB
import Hummingbird
import Metrics
import Synchronization

/// Keeps one workspace from starving the others: before a job request costs anything (a photo
/// fetched or decoded, a row written), the workspace takes a token from its bucket and must have
/// fewer jobs in flight than it may; otherwise the answer is 429 `RATE_LIMITED` or
/// `TOO_MANY_ACTIVE_JOBS` with `Retry-After`, `RateLimit` and `RateLimit-Policy`, and nothing is
/// created or charged. The in-flight count is checked again in the job's commit, so racing requests
/// never go over. Buckets are this process's own; each api-ingress behind a balancer limits alone.
final class WorkspaceAdmission: Sendable {
    /// Each workspace's file: its own limits and its jobs in flight.
    private let files: WorkspaceFiles
    /// The limits of workspaces without their own.
    let defaults: WorkspaceLimits
    private let state = Mutex(State())
    private let origin = ContinuousClock.now

    /// How long a workspace's limits are used before they are read again, so that a change made
    /// through another api-ingress arrives within seconds.
    static let limitsLifetime = 5.0
    /// What a client is told to wait when its workspace has too many jobs in flight.
    static let activeRetrySeconds = 5
    /// Past this many buckets, full ones (the same as none) are dropped.
    static let bucketsKept = 10_000

    struct State {
        var buckets: [String: TokenBucket] = [:]
        var limits: [String: (limits: WorkspaceLimits, readAt: Double)] = [:]

        /// Takes a token from `workspaceID`'s bucket.
        mutating func take(_ workspaceID: String, limits: WorkspaceLimits, defaults: WorkspaceLimits, now: Double) -> TokenBucket.Decision {
            let size = limits.bucketSize
            let perSecond = Double(limits.jobsPerMinute) / 60
            if buckets.count >= WorkspaceAdmission.bucketsKept {
                // Each bucket judged by its own workspace's limits; one no longer rate limited goes too.
                buckets = buckets.filter { workspace, bucket in
                    let own = self.limits[workspace]?.limits ?? defaults
                    return own.limitsRate && !bucket.isFull(size: own.bucketSize, perSecond: Double(own.jobsPerMinute) / 60, now: now)
                }
            }
            var bucket = buckets[workspaceID] ?? TokenBucket(size: size, now: now)
            let decision = bucket.take(size: size, perSecond: perSecond, now: now)
            buckets[workspaceID] = bucket
            return decision
        }
    }

    init(files: WorkspaceFiles, defaults: WorkspaceLimits) {
        self.files = files
        self.defaults = defaults
    }

    private var now: Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// The limits `workspaceID` runs under: its own, or the defaults.
    func limits(of workspaceID: String) async throws -> WorkspaceLimits {
        let now = now
        if let cached = state.withLock({ $0.limits[workspaceID] }), now - cached.readAt < Self.limitsLifetime {
            return cached.limits
        }
        let record = try await files.database(of: workspaceID).pool.read { db in try WorkspaceLimitsRecord.fetchOne(db, key: workspaceID) }
        let limits = record?.limits ?? defaults
        state.withLock { $0.limits[workspaceID] = (limits, now) }
        return limits
    }

    /// Sets `workspaceID`'s own limits (nil: back to the defaults), effective at once here.
    func setLimits(_ limits: WorkspaceLimits?, of workspaceID: String) async throws -> WorkspaceLimits {
        try await files.database(of: workspaceID).pool.write { db in
            if let limits {
                try WorkspaceLimitsRecord(workspaceID: workspaceID, jobsPerMinute: limits.jobsPerMinute, burst: limits.burst,
                                          maxActiveJobs: limits.maxActiveJobs).save(db)
            } else {
                _ = try WorkspaceLimitsRecord.deleteOne(db, key: workspaceID)
            }
        }
        let effective = limits ?? defaults
        state.withLock { state in
            state.limits[workspaceID] = (effective, now)
            state.buckets[workspaceID] = nil
        }
        return effective
    }

    /// Lets a job request of `workspaceID` in, or throws its 429. Returns the limits it ran under,
    /// for the in-flight check in the job's commit.
    func admit(_ workspaceID: String) async throws -> WorkspaceLimits {
        let limits = try await limits(of: workspaceID)
        if limits.limitsRate {
            let decision = state.withLock { $0.take(workspaceID, limits: limits, defaults: defaults, now: now) }
            if !decision.admitted { throw Self.rateLimited(limits, decision) }
        }
        if limits.maxActiveJobs > 0 {
            let active = try await files.database(of: workspaceID).pool.read { db in
                try WorkspaceLimitsRecord.activeJobs(of: workspaceID, upTo: limits.maxActiveJobs, in: db)
            }
            if active >= limits.maxActiveJobs { throw Self.tooManyActive(limits, active: active) }
        }
        return limits
    }

    /// Inside the job's commit: the 429 when the workspace's jobs in flight reached its cap since
    /// `admit` looked.
    static func activeRefusal(_ workspaceID: String, limits: WorkspaceLimits, in db: Database) throws -> APIError? {
        guard limits.maxActiveJobs > 0 else { return nil }
        let active = try WorkspaceLimitsRecord.activeJobs(of: workspaceID, upTo: limits.maxActiveJobs, in: db)
        return active >= limits.maxActiveJobs ? tooManyActive(limits, active: active) : nil
    }

    static func rateLimited(_ limits: WorkspaceLimits, _ decision: TokenBucket.Decision) -> APIError {
        Counter(label: "roomreel_job_requests_limited_total", dimensions: [("limit", "rate")]).increment()
        var headers = HTTPFields()
        headers[.retryAfter] = "\(decision.resetSeconds)"
        headers[.rateLimitPolicy] = "\"jobs\";q=\(limits.jobsPerMinute);w=60"
        headers[.rateLimit] = "\"jobs\";r=\(decision.remaining);t=\(decision.resetSeconds)"
        return APIError(.rateLimited, "this workspace may request \(limits.jobsPerMinute) jobs a minute (bursts of \(limits.bucketSize)); try again in \(decision.resetSeconds) s",
                        details: ["jobs_per_minute": Int64(limits.jobsPerMinute), "burst": Int64(limits.bucketSize),
                                  "retry_after_seconds": Int64(decision.resetSeconds)],
                        headers: headers)
    }

    static func tooManyActive(_ limits: WorkspaceLimits, active: Int) -> APIError {
        Counter(label: "roomreel_job_requests_limited_total", dimensions: [("limit", "active")]).increment()
        var headers = HTTPFields()
        headers[.retryAfter] = "\(activeRetrySeconds)"
        headers[.rateLimitPolicy] = "\"active-jobs\";q=\(limits.maxActiveJobs)"
        headers[.rateLimit] = "\"active-jobs\";r=0;t=\(activeRetrySeconds)"
        return APIError(.tooManyActiveJobs, "this workspace has \(active) jobs in flight, as many as it may (\(limits.maxActiveJobs)); try again when some have finished",
                        details: ["active_jobs": Int64(active), "max_active_jobs": Int64(limits.maxActiveJobs),
                                  "retry_after_seconds": Int64(activeRetrySeconds)],
                        headers: headers)
    }
}

extension HTTPFields.Element.Name {
    /// `RateLimit` and `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers).
    static let rateLimit = Self("RateLimit")!
    static let rateLimitPolicy = Self("RateLimit-Policy")!
}
