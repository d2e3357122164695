import Foundation

/// An operator asked (through api-ingress's admin API) for credits to be added to a workspace.
/// billing owns the ledger, so the grant travels to it as this event; `grantID` is the ledger entry's
/// id, so a redelivered or repeated request grants once.
public struct CreditsGrantRequested: EventPayload {
    public static let eventType = EventType.creditsGrantRequested
    public var grantID: String
    public var credits: Int64
    /// When the credits stop counting; nil for credits that never expire.
    public var expiresAt: Date?
    public var reason: String

    public init(grantID: String, credits: Int64, expiresAt: Date?, reason: String) {
        self.grantID = grantID
        self.credits = credits
        self.expiresAt = expiresAt
        self.reason = reason
    }

    /// The most one grant may add (a guard against a mistyped number, not a business limit).
    public static let maximumCredits: Int64 = 10_000_000

    enum CodingKeys: String, CodingKey {
        case credits, reason
        case grantID = "grant_id"
        case expiresAt = "expires_at"
    }
}

/// billing added a grant to the ledger.
public struct CreditsGranted: EventPayload {
    public static let eventType = EventType.creditsGranted
    public var grantID: String
    public var credits: Int64
    public var expiresAt: Date?
    public var balanceAfter: Int64
    /// The ledger entry's number within the workspace: read models order entries by it, whatever
    /// order the grant and debit topics deliver them in.
    public var ledgerSequence: Int64?
    /// The workspace's credits with an expiry still unspent after this grant.
    public var expiring: [CreditExpiry]?

    public init(grantID: String, credits: Int64, expiresAt: Date?, balanceAfter: Int64,
                ledgerSequence: Int64? = nil, expiring: [CreditExpiry]? = nil) {
        self.grantID = grantID
        self.credits = credits
        self.expiresAt = expiresAt
        self.balanceAfter = balanceAfter
        self.ledgerSequence = ledgerSequence
        self.expiring = expiring
    }

    enum CodingKeys: String, CodingKey {
        case credits
        case grantID = "grant_id"
        case expiresAt = "expires_at"
        case balanceAfter = "balance_after"
        case ledgerSequence = "ledger_sequence"
        case expiring
    }
}
