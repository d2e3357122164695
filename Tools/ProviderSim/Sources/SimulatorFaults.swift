/// How `provider-sim` misbehaves, set per run (at start, or with `PUT /_sim/faults`). All off by
/// default: a well-behaved provider.
public struct SimulatorFaults: Codable, Sendable, Equatable {
    /// Every webhook or callback is delivered twice (the same `webhook-id`).
    public var duplicateWebhooks = false
    /// No webhook or callback is sent at all.
    public var loseWebhooks = false
    /// Webhooks and callbacks leave this many milliseconds after the generation ends.
    public var webhookDelayMilliseconds = 0
    /// After the terminal webhook, a stale "still processing" one follows.
    public var outOfOrderWebhooks = false
    /// Replicate webhooks are signed with the wrong key.
    public var badSignatures = false
    /// The next this-many create calls answer 429 with `Retry-After: 1`.
    public var rateLimitedCreates = 0
    /// The next this-many create calls answer 503.
    public var failedCreates = 0
    /// Generations succeed but report no output.
    public var succeedWithoutOutput = false
    /// Output URLs stop working this many milliseconds after the generation ends (0: at once).
    public var outputLifetimeMilliseconds: Int?
    /// Generations fail as a moderation refusal.
    public var moderate = false
    /// Every call answers 401, as for revoked credentials.
    public var rejectCredentials = false
    /// Generations never end.
    public var neverFinish = false

    public init() {}

    /// Well-behaved but for what `change` sets: `.with { $0.loseWebhooks = true }`.
    public static func with(_ change: (inout SimulatorFaults) -> Void) -> SimulatorFaults {
        var faults = SimulatorFaults()
        change(&faults)
        return faults
    }

    enum CodingKeys: String, CodingKey {
        case duplicateWebhooks = "duplicate_webhooks"
        case loseWebhooks = "lose_webhooks"
        case webhookDelayMilliseconds = "webhook_delay_ms"
        case outOfOrderWebhooks = "out_of_order_webhooks"
        case badSignatures = "bad_signatures"
        case rateLimitedCreates = "rate_limited_creates"
        case failedCreates = "failed_creates"
        case succeedWithoutOutput = "succeed_without_output"
        case outputLifetimeMilliseconds = "output_lifetime_ms"
        case moderate
        case rejectCredentials = "reject_credentials"
        case neverFinish = "never_finish"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        duplicateWebhooks = try container.decodeIfPresent(Bool.self, forKey: .duplicateWebhooks) ?? false
        loseWebhooks = try container.decodeIfPresent(Bool.self, forKey: .loseWebhooks) ?? false
        webhookDelayMilliseconds = try container.decodeIfPresent(Int.self, forKey: .webhookDelayMilliseconds) ?? 0
        outOfOrderWebhooks = try container.decodeIfPresent(Bool.self, forKey: .outOfOrderWebhooks) ?? false
        badSignatures = try container.decodeIfPresent(Bool.self, forKey: .badSignatures) ?? false
        rateLimitedCreates = try container.decodeIfPresent(Int.self, forKey: .rateLimitedCreates) ?? 0
        failedCreates = try container.decodeIfPresent(Int.self, forKey: .failedCreates) ?? 0
        succeedWithoutOutput = try container.decodeIfPresent(Bool.self, forKey: .succeedWithoutOutput) ?? false
        outputLifetimeMilliseconds = try container.decodeIfPresent(Int.self, forKey: .outputLifetimeMilliseconds)
        moderate = try container.decodeIfPresent(Bool.self, forKey: .moderate) ?? false
        rejectCredentials = try container.decodeIfPresent(Bool.self, forKey: .rejectCredentials) ?? false
        neverFinish = try container.decodeIfPresent(Bool.self, forKey: .neverFinish) ?? false
    }
}
