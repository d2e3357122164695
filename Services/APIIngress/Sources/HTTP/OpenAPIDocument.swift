import Foundation
import OpenAPIKit
import Yams

/// The OpenAPI 3.1 description of api-ingress. It is kept as `HTTP/openapi.yaml` (the one
/// declaration of the HTTP API), read with OpenAPIKit when the router is built, and served as it is
/// at `/openapi.yaml` and re-encoded at `/openapi.json`. `OpenAPIDocumentTests` holds its paths and
/// methods to the router's and its `ErrorCode` schema to `ErrorCode.allCases`.
struct OpenAPIDocument: Sendable {
    /// The file's text.
    let yaml: String
    /// The document as OpenAPIKit read it.
    let document: OpenAPI.Document
    /// The same document as JSON.
    let json: Data

    /// Reads the bundled document; a file that is not a valid OpenAPI document throws, naming what is wrong.
    static func bundled() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "openapi.yaml in api-ingress's resources"])
        }
        return try OpenAPIDocument(yaml: String(contentsOf: url, encoding: .utf8))
    }

    init(yaml: String) throws {
        self.yaml = yaml
        self.document = try YAMLDecoder().decode(OpenAPI.Document.self, from: yaml)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.json = try encoder.encode(document)
    }
}
