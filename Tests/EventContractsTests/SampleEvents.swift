import EventContracts
import Foundation

/// A minimal job spec for events built in tests.
func sampleSpec(jobID: String = UUID().uuidString.lowercased(), workspaceID: String = "ws-test") -> VideoJobSpec {
    VideoJobSpec(jobID: jobID, workspaceID: workspaceID, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                 prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5, destinationPrefix: nil)
}
