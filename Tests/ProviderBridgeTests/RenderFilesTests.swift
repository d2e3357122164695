import Foundation
@testable import ProviderBridge
import Testing
import TestSupport

@Suite("Render files are named after their job and swept after a crash")
struct RenderFilesTests {
    @Test("the sweep keeps the files of jobs still in flight and removes those of failed, unknown and no job")
    func sweep() async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        let folder = harness.directoryURL.appendingPathComponent("renders")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = RenderFiles(directory: folder)
        try await harness.database.pool.write { db in
            try db.execute(sql: "UPDATE predictions SET status = 'failed' WHERE job_id = ?", arguments: [WebhookHarness.klingJob])
        }
        let inFlight = [files.video(of: WebhookHarness.replicateJob), files.scratch(of: WebhookHarness.replicateJob, named: "stills.yuv")]
        let gone = [files.video(of: WebhookHarness.klingJob), files.log(of: WebhookHarness.klingJob),
                    files.scratch(of: "job-unknown", named: "poster.yuv"), files.scratch(of: "job-unknown", named: "crop-0.jpg"),
                    folder.appendingPathComponent("stray-without-a-dot")]
        for file in inFlight + gone { try Data("x".utf8).write(to: file) }

        #expect(try files.sweep(database: harness.database.pool, logger: testLogger) == gone.count)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == inFlight.map(\.lastPathComponent).sorted())
        #expect(try files.sweep(database: harness.database.pool, logger: testLogger) == 0)
    }

    @Test("removing a job's files takes every file named after it, and only those")
    func remove() throws {
        let directory = try TemporaryDirectory()
        let files = RenderFiles(directory: directory.url)
        let mine = [files.video(of: "job-a"), files.poster(of: "job-a"), files.scratch(of: "job-a", named: "poster.yuv"),
                    files.scratch(of: "job-a", named: "crop-1.log")]
        let other = [files.video(of: "job-ab"), files.video(of: "job")]
        for file in mine + other { try Data("x".utf8).write(to: file) }

        #expect(try files.remove(jobID: "job-a") == mine.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == other.map(\.lastPathComponent).sorted())
        #expect(try files.remove(jobID: "job-a") == 0)
    }

    @Test("a job id is the file name up to its first dot")
    func jobOfFile() {
        #expect(RenderFiles.jobID(ofFile: "01a2-77.poster.log") == "01a2-77")
        #expect(RenderFiles.jobID(ofFile: "01a2-77.mp4") == "01a2-77")
        #expect(RenderFiles.jobID(ofFile: "stray") == "stray")
    }
}
