import Foundation

/// Credits of one grant that will stop counting at `expiresAtMilliseconds` unless spent first.
/// billing lists a workspace's expiring credits on each ledger event, so a read model can tell the
/// balance at any later moment without replaying billing's draining rules.
public struct CreditExpiry: Codable, Sendable, Equatable {
    public var credits: Int64
    /// When the credits expire, in milliseconds since 1970.
    public var expiresAtMilliseconds: Int64

    public init(credits: Int64, expiresAtMilliseconds: Int64) {
        self.credits = credits
        self.expiresAtMilliseconds = expiresAtMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case credits
        case expiresAtMilliseconds = "expires_at_ms"
    }

    /// The balance at `milliseconds`, given the balance when the list was made and its expiries.
    public static func balance(_ balance: Int64, expiring: [CreditExpiry], atMilliseconds milliseconds: Int64) -> Int64 {
        balance - expiring.filter { $0.expiresAtMilliseconds <= milliseconds }.reduce(0) { $0 + $1.credits }
    }

    /// The list as JSON (`[{"credits":…,"expires_at_ms":…}]`), written without an encoder for the
    /// debit path.
    public static func json(_ expiring: [CreditExpiry]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, expiry) in expiring.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var object = JSONObjectWriter(capacity: 48)
            object.integer("credits", expiry.credits)
            object.integer("expires_at_ms", expiry.expiresAtMilliseconds)
            bytes.append(contentsOf: object.finish())
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }
}
