import Foundation

/// Which provider API a task came in through.
public enum SimulatedAPI: String, Sendable, Codable, CaseIterable {
    case replicate, kling, veo, luma, runway
}

/// One generation inside the simulator.
struct SimulatedTask: Sendable {
    enum State: Sendable, Equatable {
        case queued, running, succeeded, failed(String)
    }

    var id: String
    var api: SimulatedAPI
    /// Kling's endpoint (`image2video`, `text2video`).
    var kind: String
    var state = State.queued
    var photo: URL?
    var durationSeconds: Double
    var aspectRatio: String
    var prompt: String
    var callbackURL: String?
    var finishedAt: Date?
    var hasOutput = true
    var createdAt = Date()
    /// How far the render is, 0–1, while running (Runway reports it).
    var progress: Double?

    /// The provider's own word for the state.
    var statusWord: String {
        switch (api, state) {
        case (.replicate, .queued): "starting"
        case (.replicate, .running): "processing"
        case (.replicate, .succeeded): "succeeded"
        case (.replicate, .failed): "failed"
        case (.kling, .queued): "submitted"
        case (.kling, .running): "processing"
        case (.kling, .succeeded): "succeed"
        case (.kling, .failed): "failed"
        case (.luma, .queued): "queued"
        case (.luma, .running): "dreaming"
        case (.luma, .succeeded): "completed"
        case (.luma, .failed): "failed"
        case (.runway, .queued): "PENDING"
        case (.runway, .running): "RUNNING"
        case (.runway, .succeeded): "SUCCEEDED"
        case (.runway, .failed): "FAILED"
        case (.veo, _): isFinished ? "done" : "running"
        }
    }

    var isFinished: Bool {
        switch state {
        case .queued, .running: false
        case .succeeded, .failed: true
        }
    }
}

/// What the simulator has been asked, for tests and `GET /_sim/stats`.
public struct SimulatorStats: Sendable, Codable, Equatable {
    /// Create calls answered, by API (including refused ones).
    public var creates: [String: Int] = [:]
    /// Status GETs answered, by API.
    public var statusReads: [String: Int] = [:]
    /// Webhooks and callbacks delivered (each HTTP attempt), by API.
    public var webhooksSent: [String: Int] = [:]
    /// Output downloads answered, by status.
    public var outputReads: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case creates
        case statusReads = "status_reads"
        case webhooksSent = "webhooks_sent"
        case outputReads = "output_reads"
    }
}
