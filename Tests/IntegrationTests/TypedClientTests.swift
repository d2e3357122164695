import APIClient
import Foundation
import Testing
import TestSupport

/// The public API through a client generated from openapi.yaml: what the document promises (routes,
/// bodies, statuses, error codes) is what the services answer.
@Suite("The public API through the client generated from openapi.yaml", .serialized)
struct TypedClientTests {
    @Test("listModels, createVideo (JSON), getVideo until done, getBalance and a 404 decode as the document declares them")
    func documentedAnswers() async throws {
        try await Pipeline.with { pipeline in
            let client = Client.roomReel(try #require(URL(string: pipeline.baseURL)), key: pipeline.apiKey)

            let models = try await client.listModels().ok.body.json
            #expect(models.models.contains { $0.id == "local-camera-motion" && $0.available }, "\(models.models.map(\.id))")
            #expect(models.defaults.additionalProperties["camera_motion"] == "local-camera-motion", "\(models.defaults)")

            let photo = try Data(contentsOf: BuiltProducts.samplePhoto).base64EncodedString()
            var request = Components.Schemas.VideoRequestJSON()
            request.videoType = .cameraMotion
            request.cameraMotion = .zoomIn
            request.duration = 3
            request.imageBase64 = photo
            // The generator percent-encodes header values ("wait%3D60"), so Prefer: wait is left to
            // the raw-HTTP tests; this client polls, as most do.
            let accepted = try await client.createVideo(body: .json(request)).accepted.body.json
            #expect(accepted.status == .queued && accepted.durationSeconds == 3, "\(accepted)")
            let job = try await eventually("job \(accepted.id) to finish", timeout: .seconds(120)) {
                let read = try await client.getVideo(path: .init(id: accepted.id)).ok.body.json
                return read.status == .completed || read.status == .failed ? read : nil
            }
            #expect(job.status == .completed && job.stage == .stored, "\(job)")
            #expect(job.workspaceId == Pipeline.workspace && job.durationSeconds == 3 && job.aspectRatio == "16:9")
            #expect(job.creditsDebited == job.credits && job.videoUrl != nil && job.error == nil)

            let read = try await client.getVideo(path: .init(id: job.id)).ok.body.json
            #expect(read.id == job.id && read.status == .completed && read.videoUrl == job.videoUrl)

            let balance = try await client.getBalance(path: .init(workspace: Pipeline.workspace)).ok.body.json
            #expect(balance.workspaceId == Pipeline.workspace && balance.balance == 100 - job.credits, "\(balance)")

            switch try await client.getVideo(path: .init(id: "no-such-job")) {
            case .notFound(let answer):
                #expect(try answer.body.json.error.code == .notFound)
            default:
                Issue.record("an unknown job is not a 404")
            }
        }
    }

    @Test("a job the balance view already shows the workspace cannot afford is a 402 at once, with the numbers, and creates and charges nothing")
    func earlyPaymentRequired() async throws {
        try await Pipeline.with(environment: ["BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):1"]) { pipeline in
            let client = Client.roomReel(try #require(URL(string: pipeline.baseURL)), key: pipeline.apiKey)
            let balance = { try await client.getBalance(path: .init(workspace: Pipeline.workspace)).ok.body.json.balance }
            _ = try await eventually("the grant of 1 credit in api-ingress's view") { try await balance() == 1 ? true : nil }

            var request = Components.Schemas.VideoRequestJSON()
            request.videoType = .cameraMotion
            request.cameraMotion = .panUp
            request.duration = 3
            request.imageBase64 = try Data(contentsOf: BuiltProducts.samplePhoto).base64EncodedString()
            let first = try await client.createVideo(body: .json(request)).accepted.body.json
            #expect(first.credits == 1, "\(first)")
            _ = try await eventually("the debit in api-ingress's view") { try await balance() == 0 ? true : nil }

            switch try await client.createVideo(body: .json(request)) {
            case .code402(let answer):
                let error = try answer.body.json.error
                #expect(error.code == .insufficientCredits && error.message == "this job needs 1 credits; the workspace has 0", "\(error)")
            case let other:
                Issue.record("expected an immediate 402, got \(other)")
            }
            let jobs = try await client.listVideos().ok.body.json
            #expect(jobs.data.map(\.id) == [first.id], "\(jobs)")
            #expect(try pipeline.debitCount(job: first.id) == 1)
        }
    }
}
