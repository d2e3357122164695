import Crypto
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Hummingbird
import Media
import ModelCatalog
import ObjectStorage
import OutboundHTTP

/// `POST /v1/videos`, `GET /v1/videos`, `GET /v1/videos/{id}`, its event stream and its webhook deliveries.
struct VideoRoutes {
    let intake: JobIntake
    let completions: JobSignals
    /// Signalled after every change of a job, for its event stream.
    let changes: JobSignals
    let maxUploadBytes: Int

    var files: WorkspaceFiles { intake.files }
    var publicBaseURL: @Sendable () -> String { intake.publicBaseURL }
    var videoLinks: VideoLinks { intake.videoLinks }

    /// The longest `Prefer: wait=N` honoured, in seconds.
    static let maximumWaitSeconds = 60

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/videos", use: create)
        router.get("/videos", use: list)
        router.get("/videos/:id", use: show)
        router.get("/videos/:id/events", use: events)
        router.delete("/videos/:id", use: delete)
        router.get("/videos/:id/webhook-deliveries", use: webhookDeliveries)
    }


    /// Reads the body (JSON or multipart) and hands it to the intake; answers 202 with the job, or
    /// after `Prefer: wait=N` with the finished job.
    @Sendable func create(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let idempotencyKey = try Self.idempotencyKey(of: request)
        let wait = Self.preferredWait(of: request)
        let form = try await VideoSubmission.read(request, maxUploadBytes: maxUploadBytes)
        switch try await intake.accept(form, workspaceID: workspaceID, idempotencyKey: idempotencyKey) {
        case .replayed(let earlier):
            return Self.replay(earlier, context: context)
        case .created(let job, let accepted):
            context.logger.info("Accepted job", metadata: ["job_id": "\(job.id)", "model": "\(job.model ?? "")", "images": "\(job.inputImageKeys.count)"])
            guard let wait else { return JSONResponse.make(data: accepted, status: .accepted) }
            return try await answerAfterWaiting(for: job.id, workspaceID: workspaceID, seconds: wait, accepted: accepted)
        }
    }

    /// `Prefer: wait=N`: holds the answer until the job finishes or N seconds pass. A finished job is a
    /// 200 with the job; a job billing turned down is the 402 `INSUFFICIENT_CREDITS` with `required`
    /// and `balance` (learnt from billing's event, not by asking it); otherwise the 202 as it was.
    func answerAfterWaiting(for jobID: String, workspaceID: String, seconds: Int, accepted: Data) async throws -> Response {
        let database = try files.database(of: workspaceID)
        let load: @Sendable () async throws -> JobRecord? = {
            try await database.pool.read { db in try JobRecord.fetchOne(db, key: jobID) }
        }
        try await completions.wait(for: jobID, timeout: .seconds(seconds), recheck: files.recheck(for: workspaceID)) {
            try await load()?.status.isTerminal == true
        }
        var response: Response
        if let job = try await load(), job.status.isTerminal {
            if job.errorCode == ErrorCode.insufficientCredits.rawValue {
                let details = job.errorDetails.flatMap { try? JSONDecoder().decode([String: Int64].self, from: Data($0.utf8)) } ?? [:]
                throw APIError(.insufficientCredits, job.errorMessage ?? "insufficient credits", details: details)
            }
            response = try JSONResponse.make(JobView(job, publicBaseURL: publicBaseURL(), videoLinks: videoLinks), status: .ok)
        } else {
            response = JSONResponse.make(data: accepted, status: .accepted)
        }
        response.headers[.init("Preference-Applied")!] = "wait=\(seconds)"
        return response
    }

    /// The first answer again, for a repeated `Idempotency-Key`.
    static func replay(_ earlier: IdempotencyRecord, context: IngressRequestContext) -> Response {
        context.logger.info("Idempotent replay", metadata: ["job_id": "\(earlier.jobID)"])
        var response = JSONResponse.make(data: earlier.responseBody, status: HTTPResponse.Status(code: earlier.responseStatus))
        response.headers[.init("Idempotent-Replayed")!] = "true"
        return response
    }

    /// The `Idempotency-Key` header: 1–255 visible ASCII characters, or absent.
    static func idempotencyKey(of request: Request) throws -> String? {
        guard let key = request.headers[.init("Idempotency-Key")!] else { return nil }
        guard (1...IdempotencyRecord.maximumKeyLength).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError(.invalidRequest, "Idempotency-Key must be 1 to \(IdempotencyRecord.maximumKeyLength) visible ASCII characters")
        }
        return key
    }

    /// The `wait=N` preference of a `Prefer` header (RFC 7240), capped at 60 seconds; other
    /// preferences and unreadable values are ignored, as the RFC asks.
    static func preferredWait(of request: Request) -> Int? {
        for header in request.headers[values: .init("Prefer")!] {
            for preference in header.split(whereSeparator: { $0 == "," || $0 == ";" }) {
                let parts = preference.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0].lowercased() == "wait", let seconds = Int(parts[1]), seconds >= 0 {
                    return min(seconds, maximumWaitSeconds)
                }
            }
        }
        return nil
    }

    /// The job, if it belongs to the caller's workspace; anything else is a 404, never a leak.
    @Sendable func show(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let id = try context.parameters.require("id")
        let job = try await recentJob(id: id, workspaceID: workspaceID)
        guard let job, job.workspaceID == workspaceID, job.deletedAt == nil else { throw APIError(.notFound, "video job '\(id)' not found") }
        return JSONResponse.make(bytes: JobView(job, publicBaseURL: publicBaseURL(), videoLinks: videoLinks).json, status: .ok)
    }

    /// `GET /v1/videos/{id}/events`: the job's states as server-sent events (`JobEventStream`),
    /// authorised like the job itself.
    @Sendable func events(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let id = try context.parameters.require("id")
        let database = try files.database(of: workspaceID)
        let job = try await database.pool.read { db in try JobRecord.fetchOne(db, key: id) }
        guard let job, job.workspaceID == workspaceID, job.deletedAt == nil else { throw APIError(.notFound, "video job '\(id)' not found") }
        let stream = JobEventStream(database: database, changes: changes, recheck: files.recheck(for: workspaceID), publicBaseURL: publicBaseURL,
                                    videoLinks: videoLinks, keepAlive: .seconds(15))
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: stream.body(for: job, after: JobEventStream.lastEventID(of: request)))
    }

    /// `DELETE /v1/videos/{id}`: a finished job leaves every view, and its video and poster leave
    /// local storage. A job still running is refused: its events are still on their way.
    @Sendable func delete(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let job = try await Self.deleteJob(try context.parameters.require("id"), workspaceID: workspaceID,
                                           database: try files.database(of: workspaceID), storage: intake.storage)
        context.logger.info("Deleted job", metadata: ["job_id": "\(job.id)"])
        return try JSONResponse.make(DeletedJob(id: job.id, deleted: true), status: .ok)
    }

    /// Marks the caller's finished job deleted and removes its files from local storage (objects in
    /// S3 stay, under the bucket's own lifecycle rules).
    static func deleteJob(_ id: String, workspaceID: String, database: ServiceDatabase, storage: LocalBlobStore) async throws -> JobRecord {
        let job = try await database.pool.write { db -> JobRecord? in
            guard var job = try JobRecord.fetchOne(db, key: id), job.workspaceID == workspaceID, job.deletedAt == nil else { return nil }
            guard job.status.isTerminal else {
                throw APIError(.invalidRequest, "video job '\(id)' is still \(job.status.rawValue); delete it once it has finished")
            }
            job.deletedAt = Date()
            try job.update(db)
            return job
        }
        guard let job else { throw APIError(.notFound, "video job '\(id)' not found") }
        for key in [job.videoKey, job.posterKey].compactMap({ $0 }) {
            if let path = try? storage.filePath(for: key) { try? FileManager.default.removeItem(atPath: path) }
        }
        return job
    }

    /// The job from the cache of recent polls of its workspace's file, or read and remembered.
    func recentJob(id: String, workspaceID: String) async throws -> JobRecord? {
        let file = try files.file(of: workspaceID)
        let recentJobs = file.recentJobs
        if let job = recentJobs.job(id: id) { return job }
        let generation = recentJobs.generation
        let read = try await file.database.pool.read { db -> (job: JobRecord, rowID: Int64)? in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT rowid, * FROM jobs WHERE id = ?"), arguments: [id]) else { return nil }
            return (try JobRecord(row: row), row["rowid"])
        }
        guard let read else { return nil }
        recentJobs.remember(read.job, rowID: read.rowID, readAt: generation)
        return read.job
    }

    /// `GET /v1/videos?status=&cursor=&limit=`: the workspace's jobs, newest first, a page at a time.
    @Sendable func list(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let query = request.uri.queryParameters
        if let requested = query["workspace_id"].map(String.init), requested != workspaceID {
            throw APIError(.notFound, "workspace '\(requested)' not found")
        }
        let status = try query["status"].map { try JobIntake.parse(JobRecord.Status.self, String($0), field: "status") }
        let limit = try query["limit"].map { text in
            guard let limit = Int(text), (1...100).contains(limit) else { throw APIError(.invalidRequest, "limit must be from 1 to 100; got '\(text)'") }
            return limit
        } ?? 20
        let cursor = try query["cursor"].map { try JobListCursor(String($0)) }
        let jobs = try await files.database(of: workspaceID).pool.read { db in
            var request = JobRecord.filter(Column("workspace_id") == workspaceID && Column("deleted_at") == nil)
            if let status { request = request.filter(Column("status") == status.rawValue) }
            if let cursor {
                request = request.filter(Column("created_at") < cursor.createdAt
                                         || (Column("created_at") == cursor.createdAt && Column("id") < cursor.jobID))
            }
            return try request.order(Column("created_at").desc, Column("id").desc).limit(limit + 1).fetchAll(db)
        }
        let page = jobs.prefix(limit)
        let next = jobs.count > limit ? page.last.map { JobListCursor(createdAt: $0.createdAt, jobID: $0.id).text } : nil
        let baseURL = publicBaseURL()
        return try JSONResponse.make(JobList(data: page.map { JobView($0, publicBaseURL: baseURL, videoLinks: videoLinks) }, nextCursor: next, hasMore: next != nil), status: .ok)
    }

    /// `GET /v1/videos/{id}/webhook-deliveries`: every message for the job and each attempt at it.
    @Sendable func webhookDeliveries(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let id = try context.parameters.require("id")
        let deliveries = try await files.database(of: workspaceID).pool.read { db -> [WebhookDeliveryView]? in
            guard try JobRecord.filter(Column("id") == id && Column("workspace_id") == workspaceID && Column("deleted_at") == nil).fetchCount(db) == 1
            else { return nil }
            return try WebhookDeliveryRecord.filter(Column("job_id") == id).order(Column("created_at")).fetchAll(db).map { delivery in
                WebhookDeliveryView(delivery, attempts: try WebhookAttemptRecord.filter(Column("delivery_id") == delivery.id)
                    .order(Column("number")).fetchAll(db))
            }
        }
        guard let deliveries else { throw APIError(.notFound, "video job '\(id)' not found") }
        return try JSONResponse.make(["data": deliveries], status: .ok)
    }
}

/// The answer to `DELETE /v1/videos/{id}`.
struct DeletedJob: Encodable {
    let id: String
    let deleted: Bool
}

/// What the write transaction of `POST /v1/videos` did.
enum JobCreation: Sendable {
    case created
    case replayed(IdempotencyRecord)
    /// The workspace reached its jobs-in-flight cap while the request was checked.
    case refused(APIError)
}
