@testable import APIIngress
import Crypto
import EventContracts
import EventRuntime
import Foundation
import Logging
import ModelCatalog
import ObjectStorage
import OpenAPIKit
import ServiceSettings
import Testing
import TestSupport
import Yams

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let document = Result { try OpenAPIDocument.bundled() }

    @Test("openapi.yaml describes exactly the routes the router serves, each with answers and its own operationId")
    func matchesRouter() throws {
        let directory = try TemporaryDirectory()
        let common = CommonConfiguration(kafkaBrokers: "127.0.0.1:9", dataDirectory: directory.url)
        let config = IngressConfiguration(common: common, routing: try RoutingConfiguration.fromEnvironment(EnvironmentReader([:])))
        let databases = try IngressDatabases(common: common, logger: Logger(label: "test"))
        let router = try buildRouter(config: config, databases: databases, health: ProviderHealth(), completions: JobSignals(),
                                     kafkaAnswers: { false }, publicBaseURL: { "http://localhost" }, logger: Logger(label: "test"))
        let served = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            return "\(route.method.rawValue.lowercased()) /\(path)"
        })

        let document = try Self.document.get().document
        #expect(document.openAPIVersion == .v3_1_0)
        var documented: Set<String> = []
        var operationIDs: [String] = []
        for (path, item) in document.paths {
            let item = try #require(item.pathItemValue, "\(path.rawValue)")
            for endpoint in item.endpoints {
                // The router does not tell `/x/` from `/x`; the seeds' own paths keep their slash here.
                let route = path.rawValue.count > 1 && path.rawValue.hasSuffix("/") ? String(path.rawValue.dropLast()) : path.rawValue
                documented.insert("\(endpoint.method.rawValue.lowercased()) \(route)")
                #expect(!endpoint.operation.responses.isEmpty, "\(endpoint.method.rawValue) \(path.rawValue)")
                // The generated client names its methods after these.
                operationIDs.append(try #require(endpoint.operation.operationId, "\(endpoint.method.rawValue) \(path.rawValue)"))
            }
        }
        #expect(Set(operationIDs).count == operationIDs.count, "\(operationIDs.sorted())")
        #expect(documented == served, "only served: \(served.subtracting(documented).sorted()); only documented: \(documented.subtracting(served).sorted())")
    }

    @Test("every error answer refers to one of components/responses, and each of those carries the Error schema or a compatibility API's error schema, which keeps the core's ErrorCode in a field")
    func errorsDeclaredOnce() throws {
        let document = try Self.document.get().document
        #expect(!document.components.responses.isEmpty)
        for (name, response) in document.components.responses {
            let content = try #require(response.responseValue?.content[.json]?.contentValue, "\(name.rawValue)")
            let schema = try #require(content.schema?.reference?.name, "\(name.rawValue)")
            #expect(schema == "Error" || schema.hasSuffix("Error"), "\(name.rawValue): \(schema)")
            if schema != "Error" {
                let yaml = try Self.yamlTree()
                let declared = try #require(((yaml["components"] as? [String: Any])?["schemas"] as? [String: Any])?[schema], "\(schema)")
                #expect(Self.refersToErrorCode(declared), "\(schema) does not carry the core's ErrorCode")
            }
        }
        for (path, item) in document.paths {
            for endpoint in try #require(item.pathItemValue).endpoints {
                for (status, response) in endpoint.operation.responses where (status.rawValue.first ?? "2") == "4" {
                    guard case .a(let reference) = response else {
                        Issue.record("\(endpoint.method.rawValue) \(path.rawValue) \(status.rawValue) is written inline instead of referring to components/responses")
                        continue
                    }
                    let name = try #require(reference.name, "\(reference)")
                    #expect(document.components.responses[.init(stringLiteral: name)] != nil, "\(name)")
                }
            }
        }
    }

    @Test("the ErrorCode schema is ErrorCode.allCases, in order")
    func errorCodeSchema() throws {
        let document = try Self.document.get().document
        let schema = try #require(document.components.schemas["ErrorCode"])
        let values = try #require(schema.allowedValues).compactMap { $0.value as? String }
        #expect(values == ErrorCode.allCases.map(\.rawValue))
    }

    /// The property names of a schema in components/schemas.
    static func schemaProperties(_ name: String) throws -> Set<String> {
        let schema = try #require(try document.get().document.components.schemas[.init(stringLiteral: name)], "\(name)")
        return Set(try #require(schema.objectContext, "\(name)").properties.keys)
    }

    /// The member names of the JSON object `value` encodes to.
    static func encodedKeys(_ value: some Encodable) throws -> Set<String> {
        let object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)) as? [String: Any])
        return Set(object.keys)
    }

    @Test("the request schemas name exactly the fields VideoSubmission accepts, JSON and multipart alike but for how photos come")
    func requestSchemasMatchGrammar() throws {
        #expect(try Self.schemaProperties("VideoRequestJSON") == VideoSubmission.fieldNames.union(VideoSubmission.jsonPhotoFields))
        #expect(try Self.schemaProperties("VideoRequestMultipart") == VideoSubmission.fieldNames.union(VideoSubmission.multipartPhotoFields))
    }

    @Test("the bodies api-ingress writes (Job, Error, ModelList, Model) have exactly the members their schemas declare, from samples that set every field")
    func bodiesMatchSchemas() throws {
        let links = VideoLinks(storage: .local)
        let job = JobView(StatusReadTests.everyField, publicBaseURL: "http://localhost", videoLinks: links, estimatedSeconds: 3)
        #expect(ContractParity.unsetFields(job) == [])
        #expect(try Self.encodedKeys(job) == Self.schemaProperties("Job"))
        #expect(try Self.encodedKeys(ErrorBody(code: "NOT_FOUND", message: "m")) == Self.schemaProperties("Error"))

        let routing = try RoutingConfiguration.fromEnvironment(EnvironmentReader([:]))
        // No remote credentials: the remote models say why they are unavailable, so that field is set too.
        let views: [ModelRoutes.ModelView] = routing.catalog.models.map { ModelRoutes.ModelView($0, availability: ProviderAvailability(configured: [])) }
        let unavailable = try #require(views.first { $0.unavailableReason != nil })
        let list = ModelRoutes.ModelList(models: [unavailable], defaults: ["camera_motion": "local-camera-motion"], tiers: routing.catalog.tiers)
        #expect(try Self.encodedKeys(list) == Self.schemaProperties("ModelList"))
        #expect(try Self.encodedKeys(unavailable) == Self.schemaProperties("Model"))
    }

    @Test("the tests' generated client (Tests/APIClient) was generated from this openapi.yaml: rerun its generate.sh after editing the document")
    func generatedClientIsCurrent() throws {
        let root = PythonTools.packageRoot
        let spec = try Data(contentsOf: root.appendingPathComponent("Services/APIIngress/Sources/HTTP/openapi.yaml"))
        let recorded = try String(contentsOf: root.appendingPathComponent("Tests/APIClient/Generated/openapi.sha256"), encoding: .utf8)
        #expect(recorded.trimmingCharacters(in: .whitespacesAndNewlines) == SHA256.hash(data: spec).map { String(format: "%02x", $0) }.joined())
    }

    @Test("docs/api.md's error table has one row for each code, with the HTTP status a request is answered with")
    func errorTableInDocs() throws {
        let text = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("docs/api.md"), encoding: .utf8)
        let table = text.components(separatedBy: "\n## Errors")[1].split(separator: "\n").filter { $0.hasPrefix("| `") }
        var rows: [String: String] = [:]
        for row in table {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            for code in cells[0].split(separator: "/") {
                let name = code.trimmingCharacters(in: CharacterSet(charactersIn: " `"))
                #expect(rows[name] == nil, "\(name) has two rows")
                rows[name] = cells[1]
            }
        }
        #expect(Set(rows.keys) == Set(ErrorCode.allCases.map(\.rawValue)))
        for code in ErrorCode.allCases {
            let status = rows[code.rawValue] ?? ""
            if code.answersRequests {
                #expect(status.hasPrefix(String(code.httpStatus)), "\(code): \(status)")
            } else {
                #expect(!status.contains { $0.isNumber }, "\(code) is not a request's answer: \(status)")
            }
        }
    }

    @Test("/openapi.json says what the YAML file says: the same tree, nothing dropped or added in re-encoding")
    func jsonMatchesYAML() throws {
        let served = try Self.document.get()
        let yaml = try #require(try Yams.load(yaml: served.yaml))
        let fromYAML = try JSONSerialization.data(withJSONObject: Self.stringKeyed(yaml), options: [.sortedKeys])
        let fromJSON = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: served.json), options: [.sortedKeys])
        #expect(String(decoding: fromJSON, as: UTF8.self) == String(decoding: fromYAML, as: UTF8.self))
        #expect(served.yaml.hasPrefix("openapi: 3.1.0"))
    }

    /// openapi.yaml as plain YAML.
    static func yamlTree() throws -> [String: Any] {
        try #require(Self.stringKeyed(try Yams.load(yaml: try Self.document.get().yaml) as Any) as? [String: Any])
    }

    /// Whether a schema has, somewhere in its properties, a `$ref` to the ErrorCode schema.
    static func refersToErrorCode(_ node: Any) -> Bool {
        if let object = node as? [String: Any] {
            if object["$ref"] as? String == "#/components/schemas/ErrorCode" { return true }
            return object.values.contains(where: refersToErrorCode)
        }
        if let list = node as? [Any] { return list.contains(where: refersToErrorCode) }
        return false
    }

    /// Yams's mappings with string keys, as JSONSerialization takes them.
    static func stringKeyed(_ value: Any) -> Any {
        switch value {
        case let map as [AnyHashable: Any]: Dictionary(uniqueKeysWithValues: map.map { ("\($0.key)", stringKeyed($0.value)) })
        case let list as [Any]: list.map(stringKeyed)
        default: value
        }
    }
}

@Suite("Error answers")
struct APIErrorStatusTests {
    @Test("every code answers with its status and that status's reason phrase")
    func statusAndReasonPhrase() {
        for code in ErrorCode.allCases {
            let status = APIError(code, "message").status
            #expect(status.code == code.httpStatus && !status.reasonPhrase.isEmpty, "\(code): \(status)")
        }
        #expect(APIError(.insufficientCredits, "message").status.reasonPhrase == "Payment Required")
    }
}
