import EventContracts
import Foundation
import ObjectStorage
import OutboundHTTP
import Testing
import TestSupport

/// The five executables with `STORAGE_BACKEND=s3` against moto's S3 server on loopback.
@Suite("Pipeline storing videos in an S3 bucket", .serialized)
struct S3PipelineTests {
    @Test("a finished job's video and poster are in the bucket, and its video_url is a presigned URL that serves them; nothing is written to local media")
    func videoInBucket() async throws {
        let moto = try await MotoServer.start()
        do {
            let client = S3Client(settings: moto.settings(bucket: "roomreel-videos"))
            try await client.createBucket()
            let environment = [
                "STORAGE_BACKEND": "s3", "S3_ENDPOINT": moto.endpoint.absoluteString, "S3_BUCKET": "roomreel-videos",
                "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test-secret", "S3_PRESIGN_SECONDS": "600",
            ]
            try await Pipeline.with(environment: environment) { pipeline in
                let accepted = try await pipeline.submit(fields: [("video_type", "camera_motion"), ("camera_motion", "pan_left_right"),
                                                                  ("workspace_id", Pipeline.workspace), ("duration", "3"),
                                                                  ("destination_prefix", "campaigns/spring")])
                #expect(accepted.status == 202, "\(accepted.json)")
                let id = try #require(accepted.json["id"] as? String)
                let job = try await pipeline.finishedJob(id)
                try #require(job["status"] as? String == "completed", "job ended as \(job)\n\(pipeline.logs)")

                let key = "campaigns/spring/generation-videos/\(id).mp4"
                let head = try #require(try await client.headObject(key))
                #expect(head.contentType == "video/mp4")
                #expect(head.bytes == job["video_bytes"] as? Int64 ?? (job["video_bytes"] as? Int).map(Int64.init))
                #expect(try await client.headObject("campaigns/spring/generation-videos/\(id).jpg")?.contentType == "image/jpeg")

                let videoURL = try #require(job["video_url"] as? String)
                #expect(videoURL.hasPrefix("\(moto.endpoint.absoluteString)/roomreel-videos/campaigns/spring/generation-videos/\(id).mp4?"))
                #expect(videoURL.contains("X-Amz-Expires=600") && videoURL.contains("X-Amz-Signature="))
                let fetched = pipeline.directory.url.appendingPathComponent("fetched.mp4")
                _ = try await OutboundFetcher(policy: OutboundAddressPolicy(allowed: [IPRange("127.0.0.0/8")!]), maximumBytes: 1 << 30)
                    .download(try #require(URL(string: videoURL)), to: fetched)
                let video = try ProbedVideo(fetched)
                #expect(video.codec == "h264")
                #expect(abs(video.durationSeconds - 3) <= 0.2)
                #expect(head.metadata["sha256"] == FileDigest.sha256(path: fetched.path)?.hexEncoded)

                #expect(!FileManager.default.fileExists(atPath: pipeline.directory.url.appendingPathComponent("storage/\(key)").path))
                #expect(try pipeline.debitCount(job: id) == 1)
            }
            await moto.stop()
        } catch {
            await moto.stop()
            throw error
        }
    }
}
