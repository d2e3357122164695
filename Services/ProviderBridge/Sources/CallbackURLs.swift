import Crypto
import EventContracts
import Foundation
import ServiceSettings

/// The URLs providers call back on, and the check of the unsigned ones. A Kling or Luma callback URL
/// carries the job id and a token, HMAC-SHA256(job id) under the bridge's callback key: unguessable
/// without the key, checkable in constant time with no table of tokens, and the same after a restart
/// (a job submitted before a crash keeps a valid URL). Input photos that a provider fetches itself
/// (Luma) are served at URLs with tokens of their own, made the same way.
struct CallbackURLs: Sendable {
    private let keyBytes: Data
    /// The bridge's public base URL (known only once the listener has its port, in tests and dev).
    let publicBaseURL: @Sendable () -> URL

    init(key: Data, publicBaseURL: @escaping @Sendable () -> URL) {
        keyBytes = key
        self.publicBaseURL = publicBaseURL
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    func token(jobID: String) -> String { token(for: jobID) }

    /// Whether `token` is the job's, compared in constant time.
    func isValid(token: String, jobID: String) -> Bool { isValid(token: token, for: jobID) }

    /// The token of the job's `index`th input photo: a MAC of its own message, so a callback token is
    /// never an input token (job ids are UUIDs, never `input/…`).
    func inputToken(jobID: String, index: Int) -> String { token(for: Self.inputMessage(jobID: jobID, index: index)) }

    func isValidInput(token: String, jobID: String, index: Int) -> Bool {
        isValid(token: token, for: Self.inputMessage(jobID: jobID, index: index))
    }

    /// Where a provider that fetches its inputs (Luma) reads the job's `index`th photo. The
    /// workspace (a query item) says which shard holds the job, for whichever replica is asked.
    func inputURL(jobID: String, workspaceID: String, index: Int) -> URL {
        let path = publicBaseURL().appendingPathComponent("inputs").appendingPathComponent(jobID).appendingPathComponent(String(index))
            .appendingPathComponent(inputToken(jobID: jobID, index: index))
        return URL(string: path.absoluteString + "?workspace=" + Self.queryValue(workspaceID)) ?? path
    }

    /// `value` escaped for a query item.
    private static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#"))) ?? value
    }

    private static func inputMessage(jobID: String, index: Int) -> String { "input/\(index)/\(jobID)" }

    /// HMAC-SHA256 of `message`, base64url without padding.
    private func token(for message: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)
        return Base64URL.encode(Data(mac))
    }

    private func isValid(token: String, for message: String) -> Bool {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let mac = Data(base64Encoded: base64) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(message.utf8), using: key)
    }

    /// Where a provider reports on `jobID`: Replicate's signed webhooks carry the job as a query item
    /// (the signature covers the body, which names the prediction); the others a path with the token.
    /// Both carry the job's workspace as a query item: the replica that receives the call finds the
    /// job's shard by it (`docs/scaling.md`).
    func url(provider: String, jobID: String, workspaceID: String, channel: CompletionChannel) -> URL? {
        var base = publicBaseURL().absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let job = jobID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&=")))
            ?? jobID
        let workspace = Self.queryValue(workspaceID)
        switch channel {
        case .signedWebhook: return URL(string: "\(base)/webhooks/\(provider)?job=\(job)&workspace=\(workspace)")
        case .tokenCallback: return URL(string: "\(base)/webhooks/\(provider)/\(job)/\(token(jobID: jobID))?workspace=\(workspace)")
        case .polling, .inProcess: return nil
        }
    }

    /// The callback key: `BRIDGE_CALLBACK_SECRET` when set, else made once and kept in the data folder
    /// (readable by its owner only) so that every bridge sharing the folder, and every restart, agrees.
    static func loadKey(configured: String?, dataDirectory: URL) throws -> Data {
        if let configured { return Data(configured.utf8) }
        let file = dataDirectory.appendingPathComponent("provider-bridge-callback.key")
        if let existing = try? Data(contentsOf: file), existing.count >= 32 { return existing }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: file.path, contents: key, attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError(variable: "BRIDGE_CALLBACK_SECRET", problem: "is unset and \(file.path) cannot be written")
        }
        return key
    }
}
