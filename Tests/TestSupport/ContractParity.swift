import EventContracts
import Foundation

/// Holds a hand-written JSON writer (or SQL statement) to the one declaration of its contract, the
/// type's `Codable` conformance. A byte comparison alone misses a field added to the type but not
/// to the writer when the sample leaves it nil, so each sample must also set every field.
public enum ContractParity {
    /// The paths of the stored properties of `value`, and of the values nested in it, that are nil.
    /// Empty means a field added to the type must be given a value in the sample to compile, and
    /// the comparison then covers it.
    public static func unsetFields(_ value: Any, path: String = "") -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first else { return [path.isEmpty ? "(root)" : path] }
            return unsetFields(wrapped.value, path: path)
        case .struct, .class:
            return mirror.children.flatMap { child in
                unsetFields(child.value, path: path.isEmpty ? child.label ?? "?" : "\(path).\(child.label ?? "?")")
            }
        case .collection:
            return mirror.children.enumerated().flatMap { index, child in unsetFields(child.value, path: "\(path)[\(index)]") }
        default:
            return []
        }
    }

    /// The encoder's bytes for `value`, as the events' shared encoder writes them.
    public static func encoded(_ value: some Encodable, with encoder: JSONEncoder = EventCoding.encoder) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
