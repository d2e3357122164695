import Foundation
import FuzzHarnesses
import Testing

/// Every input in `Tests/Fuzz/Corpus/<harness>/` through its harness: the seeds, and each input
/// that once broke a harness (kept as `crash-…` when the fuzzer found it) as a regression test.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    @Test("every corpus input passes its harness", arguments: FuzzHarness.allCases)
    func corpusPasses(_ harness: FuzzHarness) throws {
        let folder = Self.corpus.appendingPathComponent(harness.rawValue)
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(files.count >= 3, "the \(harness.rawValue) corpus has \(files.count) inputs")
        for file in files {
            #expect(throws: Never.self, "\(file.lastPathComponent)") { try harness.run(Array(try Data(contentsOf: file))) }
        }
    }

}
