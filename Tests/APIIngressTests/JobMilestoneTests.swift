@testable import APIIngress
import EventContracts
import Testing

@Suite("Job milestones: the states an event stream sends, read from the job")
struct JobMilestoneTests {
    static func states(_ job: JobRecord) -> [String] { JobMilestone.of(job).map(\.state.rawValue) }

    @Test("a running job lists every state up to its stage, one skipped by out-of-order events included; a later look only adds")
    func running() {
        var job = StatusReadTests.job()
        #expect(Self.states(job) == ["queued"])
        job.stage = .debited  // the debit overtook video.routed
        job.creditsDebited = 2
        #expect(Self.states(job) == ["queued", "routed", "debited"])
        let earlier = JobMilestone.of(job)
        job.stage = .generated
        job.predictionID = "p-1"
        #expect(Array(JobMilestone.of(job).prefix(earlier.count)) == earlier)
        #expect(Self.states(job) == ["queued", "routed", "debited", "submitted", "generated"])
        #expect(JobMilestone.progress(of: job) == 85)
        #expect(JobMilestone.of(job).map(\.id) == [1, 2, 3, 4, 5])
    }

    @Test("a failed job ends with failed after the states its facts show, keeping the progress it reached")
    func failed() {
        var refused = StatusReadTests.job(status: .failed)
        refused.stage = .failed
        refused.errorCode = ErrorCode.insufficientCredits.rawValue
        #expect(Self.states(refused) == ["queued", "routed", "failed"])
        #expect(JobMilestone.progress(of: refused) == 5)
        #expect(JobMilestone.of(refused).last?.id == 8)

        var providerFailed = StatusReadTests.job(status: .failed)
        providerFailed.stage = .failed
        providerFailed.creditsDebited = 2
        providerFailed.predictionID = "p-1"
        providerFailed.errorCode = ErrorCode.generationFailed.rawValue
        #expect(Self.states(providerFailed) == ["queued", "routed", "debited", "submitted", "failed"])
        #expect(JobMilestone.progress(of: providerFailed) == 20)
    }

    @Test("while generating, progress moves with the reported percentage between submitted (20) and generated (85), and stops there")
    func generating() {
        var job = StatusReadTests.job(status: .processing)
        job.stage = .submitted
        job.creditsDebited = 2
        job.predictionID = "p-1"
        #expect(JobMilestone.progress(of: job) == 20)
        job.generationProgress = 50
        #expect(JobMilestone.progress(of: job) == 52)
        #expect(Self.states(job) == ["queued", "routed", "debited", "submitted"], "a report is not a state")
        job.generationProgress = 99
        #expect(JobMilestone.progress(of: job) == 84)
        job.stage = .generated
        #expect(JobMilestone.progress(of: job) == 85)
    }

    @Test("a completed job has all seven, at 100 %")
    func completed() {
        var job = StatusReadTests.job(status: .completed)
        job.stage = .stored
        job.creditsDebited = 2
        job.predictionID = "p-1"
        job.videoKey = "generation-videos/job-1.mp4"
        #expect(Self.states(job) == ["queued", "routed", "debited", "submitted", "generated", "stored", "completed"])
        #expect(JobMilestone.progress(of: job) == 100)
    }
}
