import Foundation
import Testing
import Yams

/// Holds an answer to `openapi.yaml`: its status is documented for the operation, and its JSON body
/// has every property the schema requires, none it does not declare, and values of the declared
/// types, consts and enums, all the way down. The compatibility adapters write their bodies by hand;
/// this keeps them to the one declaration.
enum DocumentedShape {
    // Read once and never changed.
    nonisolated(unsafe) static let document: [String: Any] = {
        let url = BuiltProducts.packageRoot.appendingPathComponent("Services/APIIngress/Sources/HTTP/openapi.yaml")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return (try? Yams.load(yaml: text)).map(stringKeyed) as? [String: Any] ?? [:]
    }()

    /// What is wrong with `reply` as an answer of the operation `operationID`; empty when nothing.
    static func problems(_ reply: Pipeline.Reply, operation operationID: String) -> [String] {
        guard let operation = operation(operationID) else { return ["no operation \(operationID) in openapi.yaml"] }
        guard var response = (operation["responses"] as? [String: Any])?[String(reply.status)] as? [String: Any] else {
            return ["\(operationID) documents no \(reply.status) answer"]
        }
        if let reference = response["$ref"] as? String, let resolved = resolve(reference) { response = resolved }
        guard let schema = (((response["content"] as? [String: Any])?["application/json"]) as? [String: Any])?["schema"] else {
            return ["\(operationID) \(reply.status) has no JSON schema"]
        }
        let body = (try? JSONSerialization.jsonObject(with: reply.body)) ?? NSNull()
        return problems(body, schema: schema, at: "\(operationID) \(reply.status)")
    }

    static func operation(_ id: String) -> [String: Any]? {
        for case let item as [String: Any] in (document["paths"] as? [String: Any] ?? [:]).values {
            for case let operation as [String: Any] in item.values where operation["operationId"] as? String == id { return operation }
        }
        return nil
    }

    static func resolve(_ reference: String) -> [String: Any]? {
        var node: Any? = document
        for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
        return node as? [String: Any]
    }

    static func problems(_ value: Any, schema node: Any, at path: String) -> [String] {
        guard var schema = node as? [String: Any] else { return [] }
        if let reference = schema["$ref"] as? String {
            guard let resolved = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
            schema = resolved
        }
        if let constant = schema["const"], !same(constant, value) { return ["\(path): \(value) is not \(constant)"] }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { same($0, value) }) {
            return ["\(path): \(value) is not one of \(allowed)"]
        }
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: { matches(value, type: $0) }) { return ["\(path): \(value) is not \(types)"] }
        var found: [String] = []
        if let object = value as? [String: Any], let properties = schema["properties"] as? [String: Any] {
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { found.append("\(path): no '\(name)'") }
            for (name, member) in object {
                if let declared = properties[name] {
                    found += problems(member, schema: declared, at: "\(path).\(name)")
                } else if schema["additionalProperties"] == nil {
                    found.append("\(path): '\(name)' is not documented")
                }
            }
        }
        if let list = value as? [Any], let items = schema["items"] {
            for (index, item) in list.enumerated() { found += problems(item, schema: items, at: "\(path)[\(index)]") }
        }
        return found
    }

    /// A YAML scalar and a JSON value, compared as values.
    static func same(_ yaml: Any, _ json: Any) -> Bool {
        if let text = yaml as? String { return json as? String == text }
        if let flag = yaml as? Bool { return (json as? NSNumber).map { String(cString: $0.objCType) == "c" && $0.boolValue == flag } ?? false }
        if let number = yaml as? Int { return (json as? NSNumber)?.doubleValue == Double(number) }
        return "\(yaml)" == "\(json)"
    }

    static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "string": return value is String
        case "boolean": return (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
        case "integer": return (value as? NSNumber).map { String(cString: $0.objCType) != "c" && $0.doubleValue == $0.doubleValue.rounded() } ?? false
        case "number": return (value as? NSNumber).map { String(cString: $0.objCType) != "c" } ?? false
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        default: return true
        }
    }

    static func stringKeyed(_ value: Any) -> Any {
        switch value {
        case let map as [AnyHashable: Any]: Dictionary(uniqueKeysWithValues: map.map { ("\($0.key)", stringKeyed($0.value)) })
        case let list as [Any]: list.map(stringKeyed)
        default: value
        }
    }
}

/// Records an issue for each way `reply` differs from what `openapi.yaml` says `operation` answers.
func expectDocumented(_ reply: Pipeline.Reply, _ operation: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for problem in DocumentedShape.problems(reply, operation: operation) {
        Issue.record("\(problem) in \(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
    }
}
