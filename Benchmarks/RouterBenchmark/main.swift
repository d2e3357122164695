import EventContracts
import Foundation
import ModelCatalog

// Routing decisions per second: `ModelSelector.select` (a pure function over the bundled catalog)
// for a fixed mix of requests that exercises defaults, aliases, explicit models, refusals and
// fallbacks, with remote providers partly configured.
//
//   swift run -c release router-benchmark [seconds]

let seconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 3
let catalog = try ModelCatalog.bundled()
let selector = ModelSelector(catalog: catalog, availability: ProviderAvailability(configured: ["replicate", "google"]))

func spec(_ type: VideoType?, model: String? = nil, motion: CameraMotion? = nil, seconds: Double = 5, ratio: AspectRatio = .landscape) -> VideoJobSpec {
    VideoJobSpec(jobID: "job", workspaceID: "ws", videoType: type, model: model, cameraMotion: motion, prompt: nil, style: nil,
                 aspectRatio: ratio, durationSeconds: seconds)
}
let requests: [(VideoJobSpec, Int)] = [
    (spec(.walkthrough), 1),                          // default veo-2 (replicate: available)
    (spec(.beforeAfter), 2),                          // kling unavailable → fallback
    (spec(.socialReel), 5),                           // kling unavailable → fallback
    (spec(.cameraMotion, motion: .zoomIn), 1),        // local
    (spec(nil, model: "veo3_fast", seconds: 8), 1),   // alias, explicit
    (spec(nil, model: "veo-2", seconds: 3), 1),       // refused: duration
    (spec(.productSpotlight, ratio: .square), 1),     // fallback across tiers
    (spec(nil, model: "seedance-pro", seconds: 7), 0),// unavailable, no fallback
]

var decisions = 0
var refusals = 0
var checksum: Int64 = 0
let clock = ContinuousClock()
let start = clock.now
let deadline = start + .milliseconds(Int(seconds * 1000))
while clock.now < deadline {
    for _ in 0..<1000 {
        for (request, images) in requests {
            do {
                checksum &+= try selector.select(for: request, imageCount: images).credits
            } catch {
                refusals += 1
            }
            decisions += 1
        }
    }
}
let elapsed = clock.now - start
let perSecond = Double(decisions) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
print("router: \(decisions) decisions (\(refusals) refusals) in \(elapsed): \(Int(perSecond)) decisions/s (checksum \(checksum))")
