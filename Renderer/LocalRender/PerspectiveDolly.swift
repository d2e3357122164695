import EventContracts

/// The walkthrough's camera: it moves into the room towards a vanishing point, and what is near it
/// (the frame's edges: floor, walls, furniture in front) grows faster than what is far (around the
/// vanishing point), as it does when one walks in. A flat zoom grows everything alike; this is a
/// 2.5-D dolly over a depth that falls from the edges to the vanishing point.
///
/// At distance `r` from the vanishing point (a fraction of the distance to the farthest corner) the
/// picture is magnified `1 + push(p) · (1 + depth · r)` at progress `p`: at the end the far wall has
/// grown by `1 + push` and the corners by `1 + push · (1 + depth)`. Magnification is at least 1
/// everywhere, so every sample comes from inside the photo.
public struct PerspectiveDolly: Sendable, Equatable {
    /// The vanishing point, as fractions of the frame's width and height.
    public var vanishX: Double
    public var vanishY: Double
    /// How far the camera travels: the far wall's growth at the end, minus 1.
    public var push: Double
    /// How much faster the near edges grow than the far wall.
    public var depth: Double
    public var easing: Easing

    public init(vanishX: Double = 0.5, vanishY: Double = 0.5, push: Double, depth: Double, easing: Easing = .inOut) {
        self.vanishX = vanishX
        self.vanishY = vanishY
        self.push = push
        self.depth = depth
        self.easing = easing
    }

    /// The walkthrough towards `focus` (where it lies in the prepared still): the far wall grows by a
    /// quarter, the corners by 1.75 times that.
    public static func walkthrough(towards focus: FocusPoint) -> PerspectiveDolly {
        PerspectiveDolly(vanishX: focus.x, vanishY: focus.y, push: 0.25, depth: 2)
    }

    /// The push at `progress` in 0...1.
    public func push(at progress: Double) -> Double {
        push * easing(min(max(progress, 0), 1))
    }

    /// The magnification at `distance` from the vanishing point (a fraction of the farthest corner's).
    public func magnification(atDistance distance: Double, progress: Double) -> Double {
        1 + push(at: progress) * (1 + depth * distance)
    }
}
