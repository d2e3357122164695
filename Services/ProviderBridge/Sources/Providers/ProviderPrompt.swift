import EventContracts
import Foundation

/// The prompt an AI model gets: the client's words, then what the video type and style ask for, so
/// that `video_type: walkthrough, style: scandinavian` means something to a model that only reads text.
enum ProviderPrompt {
    static func text(for spec: VideoJobSpec) -> String {
        var parts: [String] = []
        if let prompt = spec.prompt?.trimmingCharacters(in: .whitespacesAndNewlines), !prompt.isEmpty { parts.append(prompt) }
        switch spec.videoType {
        case .walkthrough: parts.append("A smooth cinematic walkthrough of the room, steady gimbal camera moving forward at walking pace")
        case .floorplanFlythrough: parts.append("A slow aerial flythrough over the floor plan, revealing each room in turn")
        case .productSpotlight: parts.append("A product spotlight: the camera circles the product slowly, soft studio lighting")
        case .beforeAfter: parts.append("A before-and-after reveal of the same room: it starts as it is and is transformed, renovated and restyled")
        case .socialReel: parts.append("A lively social media reel of the space, short dynamic shots")
        case .cameraMotion:
            if let motion = spec.cameraMotion { parts.append("Camera move: \(motion.rawValue.replacingOccurrences(of: "_", with: " "))") }
        case nil: break
        }
        if let style = spec.style { parts.append("\(style.displayName) interior design style") }
        return parts.joined(separator: ". ")
    }
}
