import GRDB

extension ServiceDatabase {
    /// Runs `body` with a stream of wake-ups: one at once (for what was there before a restart), then
    /// one after each commit that changes `region`, whoever wrote it. Wake-ups are coalesced (one
    /// waiting at most) and carry nothing: the reader queries what it needs. No query runs per commit,
    /// unlike a value observation. The stream ends with the observation's error, if it fails.
    public func withCommitWakeups<Result>(tracking region: some DatabaseRegionConvertible,
                                          _ body: (AsyncThrowingStream<Void, any Error>) async throws -> Result) async throws -> Result {
        let (wakeups, wake) = AsyncThrowingStream<Void, any Error>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let observation = DatabaseRegionObservation(tracking: region)
            .start(in: pool, onError: { wake.finish(throwing: $0) }, onChange: { _ in wake.yield() })
        defer { observation.cancel() }
        wake.yield()
        return try await body(wakeups)
    }
}
