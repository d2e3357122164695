/// Where a job's video lives in storage: `generation-videos/{job-id}.mp4`, under the workspace's
/// destination prefix when the request gave one.
enum VideoKey {
    static func forJob(_ jobID: String, destinationPrefix: String?) -> String {
        let base = "generation-videos/\(jobID).mp4"
        guard let prefix = destinationPrefix?.trimmingCharacters(in: ["/"]), !prefix.isEmpty else { return base }
        return "\(prefix)/\(base)"
    }

    /// The poster's key: the video's, with `.jpg` for `.mp4`.
    static func poster(forVideoKey videoKey: String) -> String {
        String(videoKey.dropLast(".mp4".count)) + ".jpg"
    }
}
