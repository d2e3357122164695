import EventContracts
import EventRuntime
import GRDB
import Hummingbird
import ObjectStorage
import ServiceLifecycle

/// `GET /v1/videos/{id}/events`: the job's milestones as server-sent events (`JobMilestone`), from
/// the one after `Last-Event-ID` on, each as it happens, ending after `completed` or `failed`.
///
/// Each event is `id: <n>`, `event: <state>` and `data: {"job_id", "state", "progress"}`; the last one's
/// data also carries the whole job (`"job"`, as `GET /v1/videos/{id}` shows it). While the job
/// generates, `event: progress` (no id) carries the percentage the renderer or provider reported. While nothing
/// happens a comment line goes out every `keepAlive`, so proxies keep the connection open. Graceful
/// shutdown ends the stream early; the client reconnects with `Last-Event-ID`.
struct JobEventStream {
    let database: ServiceDatabase
    let changes: JobSignals
    /// How often to look at the job without a signal (`WorkspaceFiles.recheck`).
    let recheck: Duration?
    let publicBaseURL: @Sendable () -> String
    let videoLinks: VideoLinks
    let keepAlive: Duration

    /// The stream's body for `first` (the job as read when the request was authorised).
    func body(for first: JobRecord, after lastEventID: Int) -> ResponseBody {
        ResponseBody { [self] writer in
            var job = first
            var sent = lastEventID
            // What the client has seen: the progress of the last state it had.
            var progressSent = JobMilestone.of(first).last { $0.id <= lastEventID }?.progress ?? 0
            while true {
                let fresh = JobMilestone.of(job).filter { $0.id > sent }
                var buffer = ByteBuffer()
                for milestone in fresh { buffer.writeBytes(event(milestone, of: job)) }
                sent = fresh.last?.id ?? sent
                progressSent = max(progressSent, fresh.last?.progress ?? 0)
                let progress = JobMilestone.progress(of: job)
                if JobMilestone.of(job).last!.state == .submitted, progress > progressSent {
                    buffer.writeBytes(progressEvent(progress, of: job))
                    progressSent = progress
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
                if job.status.isTerminal { break }
                let (reached, shown) = (sent, progressSent)
                let jobID = job.id
                // A shutting-down server ends the stream (the client resumes with Last-Event-ID
                // elsewhere) rather than hold the shutdown until the job ends.
                try? await cancelWhenGracefulShutdown {
                    try await changes.wait(for: jobID, timeout: keepAlive, recheck: recheck) {
                        try await load(jobID).map { JobMilestone.of($0).last!.id > reached || JobMilestone.progress(of: $0) > shown } ?? true
                    }
                }
                guard !Task.isShuttingDownGracefully, let latest = try await load(jobID), latest.deletedAt == nil else { break }
                if JobMilestone.of(latest).last!.id <= sent, JobMilestone.progress(of: latest) <= progressSent {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
                job = latest
            }
            try await writer.finish(nil)
        }
    }

    private func load(_ id: String) async throws -> JobRecord? {
        try await database.pool.read { db in try JobRecord.fetchOne(db, key: id) }
    }

    /// One event in the text/event-stream format.
    func event(_ milestone: JobMilestone, of job: JobRecord) -> [UInt8] {
        var data = JSONObjectWriter(capacity: 96)
        if milestone.state == .completed || milestone.state == .failed {
            data.raw("job", JobView(job, publicBaseURL: publicBaseURL(), videoLinks: videoLinks).json)
        }
        data.string("job_id", job.id)
        data.integer("progress", Int64(milestone.progress))
        data.string("state", milestone.state.rawValue)
        return Array("id: \(milestone.id)\nevent: \(milestone.state.rawValue)\ndata: ".utf8) + data.finish() + Array("\n\n".utf8)
    }

    /// A generation's progress between two states: `event: progress`, without an id (it is not a state
    /// to resume after), `data: {"job_id", "state", "progress"}`.
    func progressEvent(_ progress: Int, of job: JobRecord) -> [UInt8] {
        var data = JSONObjectWriter(capacity: 96)
        data.string("job_id", job.id)
        data.integer("progress", Int64(progress))
        data.string("state", JobMilestone.of(job).last!.state.rawValue)
        return Array("event: progress\ndata: ".utf8) + data.finish() + Array("\n\n".utf8)
    }

    /// The `Last-Event-ID` header's number, 0 when absent or unreadable (the stream starts over).
    static func lastEventID(of request: Request) -> Int {
        request.headers[.init("Last-Event-ID")!].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { max(0, $0) } ?? 0
    }
}
