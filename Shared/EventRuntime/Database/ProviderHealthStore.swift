import GRDB
import ModelCatalog

extension ProviderHealth {
    /// The service's provider health as last committed: every stored breaker and bridge announcement,
    /// so a restarted service remembers which providers were failing and which are served.
    public static func load(from database: ServiceDatabase, policy: CircuitBreaker.Policy = .standard) throws -> ProviderHealth {
        let (breakers, announcements) = try database.pool.read { db in
            (try ProviderBreakerRecord.fetchAll(db), try ProviderAnnouncementRecord.fetchAll(db))
        }
        return ProviderHealth(breakers: Dictionary(uniqueKeysWithValues: breakers.map { ($0.provider, $0.breaker) }),
                              announcements: Dictionary(uniqueKeysWithValues: announcements.map { ($0.bridgeID, $0.announcement) }),
                              policy: policy)
    }
}
