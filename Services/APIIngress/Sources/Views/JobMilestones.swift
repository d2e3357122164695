import EventContracts

/// The states a job has passed, in order, as `GET /v1/videos/{id}/events` streams them and the job
/// view's `progress` sums them up.
///
/// They are read from the job itself, not from a log: the stage only moves forward and each fact
/// (the routing, the debit, the prediction, the video) stays once recorded, so the same job always
/// gives the same list, and a later look only adds to its end. A state skipped by events arriving out
/// of order (a debit before its routing) is still listed, since it happened. A milestone's `id` is
/// its place in the full list, so a stream resumed with `Last-Event-ID` carries on without repeats.
/// Between `submitted` and `generated`, `progress(of:)` also moves with the generation's reports.
struct JobMilestone: Equatable {
    enum State: String, CaseIterable {
        case queued, routed, debited, submitted, generated, stored, completed, failed
    }

    let state: State
    /// How far the job is, in percent.
    let progress: Int

    /// The event id: the state's place in the order.
    var id: Int { State.allCases.firstIndex(of: state)! + 1 }

    /// Each state's progress: the work is generation, so most of the bar is spent waiting for it. A
    /// failure keeps the progress reached before it (nil here).
    static func progress(of state: State) -> Int? {
        switch state {
        case .queued: 0
        case .routed: 5
        case .debited: 10
        case .submitted: 20
        case .generated: 85
        case .stored: 95
        case .completed: 100
        case .failed: nil
        }
    }

    /// `job`'s milestones so far.
    static func of(_ job: JobRecord) -> [JobMilestone] {
        // The stage says how far a running or completed job got. A failed job's stage is `failed`,
        // so its facts say it: a debit (or billing's refusal) comes after routing, a prediction after
        // the debit. (The model and provider are known from the quote at intake, so they say nothing.)
        let rank = job.stage == .failed ? -1 : job.stage.rank
        let refused = job.errorCode == ErrorCode.insufficientCredits.rawValue
        var states: [State] = [.queued]
        if rank >= JobRecord.Stage.routed.rank || job.creditsDebited != nil || refused { states.append(.routed) }
        if rank >= JobRecord.Stage.debited.rank || job.creditsDebited != nil { states.append(.debited) }
        if rank >= JobRecord.Stage.submitted.rank || job.predictionID != nil { states.append(.submitted) }
        if rank >= JobRecord.Stage.generated.rank || job.videoKey != nil { states.append(.generated) }
        if job.videoKey != nil { states.append(.stored) }
        switch job.status {
        case .completed: states.append(.completed)
        case .failed: states.append(.failed)
        case .queued, .processing: break
        }
        var reached = 0
        return states.map { state in
            reached = progress(of: state) ?? reached
            return JobMilestone(state: state, progress: reached)
        }
    }

    /// The job's progress in percent: its latest milestone's; while it is generating, the part of
    /// the way from `submitted` to `generated` that the renderer or provider reported.
    static func progress(of job: JobRecord) -> Int {
        let latest = of(job).last!
        guard latest.state == .submitted, let reported = job.generationProgress,
              let from = progress(of: .submitted), let to = progress(of: .generated) else { return latest.progress }
        return from + (to - from) * min(max(reported, 0), 99) / 100
    }
}
