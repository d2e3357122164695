import Crypto
import EventContracts
import EventRuntime
import Foundation
import Hummingbird

/// The admin API (behind `AdminAuthenticator`):
///
/// `POST /v1/admin/workspaces/{workspace_id}/grants` with `{"credits": N, "expires_at": ISO 8601 |
/// "expires_in_days": D, "reason": "…"}` adds credits to a workspace. billing owns the ledger, so the
/// grant is handed to it as a `credits.grant_requested` event (through the outbox) and the answer is
/// 202 with the grant's id. With an `Idempotency-Key` header the grant id is derived from it, so a
/// repeated request grants once.
///
/// `PUT /v1/admin/workspaces/{workspace_id}/limits` with `{"jobs_per_minute", "burst",
/// "max_active_jobs"}` (each optional, 0 lifts it; a field left out keeps the default) gives a workspace
/// limits of its own; `GET` shows the limits it runs under, `DELETE` returns it to the defaults.
struct AdminRoutes {
    /// Each workspace's file: a grant's event goes out through its outbox.
    let files: WorkspaceFiles
    /// The API keys every replica reads.
    let keys: ServiceDatabase
    let admission: WorkspaceAdmission

    struct GrantRequest: Decodable {
        let credits: Int64
        let expiresAt: String?
        let expiresInDays: Int?
        let reason: String?

        enum CodingKeys: String, CodingKey {
            case credits, reason
            case expiresAt = "expires_at"
            case expiresInDays = "expires_in_days"
        }
    }

    struct GrantAccepted: Encodable {
        let grantID: String
        let workspaceID: String
        let credits: Int64
        let expiresAt: String?
        let status = "accepted"

        enum CodingKeys: String, CodingKey {
            case credits, status
            case grantID = "grant_id"
            case workspaceID = "workspace_id"
            case expiresAt = "expires_at"
        }
    }

    struct APIKeyRequest: Decodable {
        let name: String?

        enum CodingKeys: String, CodingKey { case name }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // A name that is sent must be a string: `null` is refused like `5`, not read as no name.
            name = container.contains(.name) ? try container.decode(String.self, forKey: .name) : nil
        }
    }

    struct APIKeyCreated: Encodable {
        let key: String
        let keyPrefix: String
        let workspaceID: String
        let name: String?
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case key, name
            case keyPrefix = "key_prefix"
            case workspaceID = "workspace_id"
            case createdAt = "created_at"
        }
    }

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/workspaces/:workspace/grants", use: grant)
        router.post("/workspaces/:workspace/api-keys", use: createAPIKey)
        router.get("/workspaces/:workspace/limits", use: limits)
        router.put("/workspaces/:workspace/limits", use: setLimits)
        router.delete("/workspaces/:workspace/limits", use: resetLimits)
    }

    /// A workspace's limits as the admin API shows them.
    struct LimitsView: Encodable {
        let workspaceID: String
        let limits: WorkspaceLimits

        enum CodingKeys: String, CodingKey {
            case workspaceID = "workspace_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(workspaceID, forKey: .workspaceID)
            try limits.encode(to: encoder)
        }
    }

    @Sendable func limits(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try Self.workspace(of: context)
        return try JSONResponse.make(LimitsView(workspaceID: workspaceID, limits: try await admission.limits(of: workspaceID)), status: .ok)
    }

    @Sendable func setLimits(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try Self.workspace(of: context)
        let body = try await request.body.collect(upTo: 4 << 10)
        let limits = try Self.limits(from: Data(buffer: body), defaults: admission.defaults)
        let effective = try await admission.setLimits(limits, of: workspaceID)
        context.logger.notice("Workspace limits set", metadata: [
            "workspace_id": "\(workspaceID)", "jobs_per_minute": "\(effective.jobsPerMinute)", "burst": "\(effective.burst)",
            "max_active_jobs": "\(effective.maxActiveJobs)"])
        return try JSONResponse.make(LimitsView(workspaceID: workspaceID, limits: effective), status: .ok)
    }

    @Sendable func resetLimits(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try Self.workspace(of: context)
        let effective = try await admission.setLimits(nil, of: workspaceID)
        context.logger.notice("Workspace limits reset to the defaults", metadata: ["workspace_id": "\(workspaceID)"])
        return try JSONResponse.make(LimitsView(workspaceID: workspaceID, limits: effective), status: .ok)
    }

    static func workspace(of context: IngressRequestContext) throws -> String {
        let workspaceID = try context.parameters.require("workspace")
        guard isWorkspaceID(workspaceID) else {
            throw APIError(.invalidRequest, "workspace ids are 1–128 letters, digits, '-', '_' or '.'")
        }
        return workspaceID
    }

    /// The limits a `PUT` body sets: known fields only, each a whole number from 0 to 1,000,000.
    static func limits(from body: Data, defaults: WorkspaceLimits) throws -> WorkspaceLimits {
        let example = "the body must be JSON like {\"jobs_per_minute\": 60, \"burst\": 10, \"max_active_jobs\": 20}"
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw APIError(.invalidRequest, example)
        }
        let fields = ["jobs_per_minute", "burst", "max_active_jobs"]
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw APIError(.invalidRequest, "unknown field '\(unknown)'; the fields are \(fields.joined(separator: ", "))")
        }
        func value(_ field: String, _ fallback: Int) throws -> Int {
            guard let raw = object[field] else { return fallback }
            guard let number = raw as? NSNumber, String(cString: number.objCType) != "c",
                  let whole = Int(exactly: number.doubleValue), (0...WorkspaceLimits.maximum).contains(whole) else {
                throw APIError(.invalidRequest, "\(field) must be a whole number from 0 (no limit) to \(WorkspaceLimits.maximum)")
            }
            return whole
        }
        return WorkspaceLimits(jobsPerMinute: try value("jobs_per_minute", defaults.jobsPerMinute), burst: try value("burst", defaults.burst),
                               maxActiveJobs: try value("max_active_jobs", defaults.maxActiveJobs))
    }

    /// `POST /v1/admin/workspaces/{id}/api-keys` with an optional `{"name": "…"}`: a new key, shown
    /// once in the 201 and kept only as its hash.
    @Sendable func createAPIKey(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.parameters.require("workspace")
        guard Self.isWorkspaceID(workspaceID) else {
            throw APIError(.invalidRequest, "workspace ids are 1–128 letters, digits, '-', '_' or '.'")
        }
        let body = try await request.body.collect(upTo: 4 << 10)
        var name: String?
        if body.readableBytes > 0 {
            do {
                name = try JSONDecoder().decode(APIKeyRequest.self, from: Data(buffer: body)).name
            } catch {
                throw APIError(.invalidRequest, "the body must be empty or JSON like {\"name\": \"mobile app\"}")
            }
        }
        if let name, name.count > 100 { throw APIError(.invalidRequest, "name is limited to 100 characters") }
        let key = APIKeyRecord.generateKey()
        let record = APIKeyRecord(keyHash: APIKeyRecord.hash(key), workspaceID: workspaceID, createdAt: Date(),
                                  keyPrefix: String(key.prefix(10)), name: name)
        try await keys.pool.write { db in try record.insert(db) }
        context.logger.notice("API key created", metadata: ["workspace_id": "\(workspaceID)", "key_prefix": "\(record.keyPrefix ?? "")"])
        return try JSONResponse.make(APIKeyCreated(key: key, keyPrefix: record.keyPrefix ?? "", workspaceID: workspaceID, name: name,
                                                   createdAt: record.createdAt), status: .created)
    }

    @Sendable func grant(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.parameters.require("workspace")
        guard Self.isWorkspaceID(workspaceID) else {
            throw APIError(.invalidRequest, "workspace ids are 1–128 letters, digits, '-', '_' or '.'")
        }
        let body = try await request.body.collect(upTo: 16 << 10)
        let grant: GrantRequest
        do {
            grant = try JSONDecoder().decode(GrantRequest.self, from: Data(buffer: body))
        } catch {
            throw APIError(.invalidRequest, "the body must be JSON like {\"credits\": 500, \"expires_in_days\": 30, \"reason\": \"top-up\"}")
        }
        guard (1...CreditsGrantRequested.maximumCredits).contains(grant.credits) else {
            throw APIError(.invalidRequest, "credits must be a whole number from 1 to \(CreditsGrantRequested.maximumCredits)")
        }
        let expiresAt = try Self.expiry(of: grant)
        let reason = grant.reason ?? "admin grant"
        guard reason.count <= 200 else { throw APIError(.invalidRequest, "reason is limited to 200 characters") }

        let grantID: String
        if let key = request.headers[.init("Idempotency-Key")!], !key.isEmpty {
            grantID = "grant:admin:" + SHA256.hash(data: Data("\(workspaceID)\u{0}\(key)".utf8)).withUnsafeBytes { $0.hexEncoded }
        } else {
            grantID = "grant:admin:" + EventID.make()
        }
        let requested = CreditsGrantRequested(grantID: grantID, credits: grant.credits, expiresAt: expiresAt, reason: reason)
        try await files.database(of: workspaceID).pool.write { db in
            try Outbox.enqueue(EventEnvelope(source: "api-ingress", subject: grantID, workspaceID: workspaceID, data: requested), in: db)
        }
        context.logger.notice("Grant requested", metadata: [
            "workspace_id": "\(workspaceID)", "grant_id": "\(grantID)", "credits": "\(grant.credits)"])
        return try JSONResponse.make(
            GrantAccepted(grantID: grantID, workspaceID: workspaceID, credits: grant.credits, expiresAt: expiresAt.map(EventCoding.format)),
            status: .accepted)
    }

    static func isWorkspaceID(_ text: String) -> Bool {
        (1...128).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }

    /// The grant's expiry: an ISO 8601 time in the future, or a number of days from now (1–3650), or none.
    static func expiry(of grant: GrantRequest, now: Date = Date()) throws -> Date? {
        switch (grant.expiresAt, grant.expiresInDays) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw APIError(.invalidRequest, "give expires_at or expires_in_days, not both")
        case (.some(let text), nil):
            guard let date = EventCoding.parse(text) else {
                throw APIError(.invalidRequest, "expires_at must be an ISO 8601 time such as 2027-01-01T00:00:00Z")
            }
            guard date > now else { throw APIError(.invalidRequest, "expires_at is in the past") }
            return date
        case (nil, .some(let days)):
            guard (1...3650).contains(days) else { throw APIError(.invalidRequest, "expires_in_days must be from 1 to 3650") }
            return EventCoding.wholeMilliseconds(now.addingTimeInterval(Double(days) * 86_400))
        }
    }
}
