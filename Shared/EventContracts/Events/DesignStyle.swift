/// The six interior design styles a video can be given (`style`).
public enum DesignStyle: String, Codable, Sendable, CaseIterable {
    case modern
    case minimalist
    case scandinavian
    case industrial
    case midCenturyModern = "mid-century modern"
    case contemporary

    /// The style a client spelled `text`: case, spaces, hyphens and underscores do not matter, so the
    /// seeds' `Mid-Century Modern`, `mid_century_modern` and `midcentury modern` are one style.
    public init?(spelled text: String) {
        let letters = String(text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic }.map(Character.init))
        guard let style = Self.allCases.first(where: { $0.letters == letters }) else { return nil }
        self = style
    }

    /// The style's name in prompts: `Mid-Century Modern`.
    public var displayName: String {
        switch self {
        case .midCenturyModern: "Mid-Century Modern"
        default: rawValue.prefix(1).uppercased() + rawValue.dropFirst()
        }
    }

    private var letters: String { String(rawValue.unicodeScalars.filter { $0.properties.isAlphabetic }.map(Character.init)) }
}
