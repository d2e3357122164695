import Foundation
import Hummingbird

/// The playground page (`roomreel dev` only): `GET /` and its script and style sheet, bundled with
/// api-ingress (nothing fetched from elsewhere). The page calls only the public API, as the dev
/// workspace, with the key this route writes into it.
struct PlaygroundRoutes {
    let page: String
    let files: [String: (contentType: String, bytes: [UInt8])]

    init(access: PlaygroundAccess) throws {
        func read(_ name: String) throws -> String {
            guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Playground") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Playground/\(name) in api-ingress's resources"])
            }
            return try String(contentsOf: url, encoding: .utf8)
        }
        func attribute(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
        }
        page = try read("index.html")
            .replacingOccurrences(of: "{{API_KEY}}", with: attribute(access.apiKey))
            .replacingOccurrences(of: "{{WORKSPACE}}", with: attribute(access.workspaceID))
        files = [
            "playground.js": ("text/javascript; charset=utf-8", Array(try read("playground.js").utf8)),
            "playground.css": ("text/css; charset=utf-8", Array(try read("playground.css").utf8)),
        ]
    }

    func register(on router: Router<IngressRequestContext>) {
        router.get("/") { [page] _, _ in
            Self.response(Array(page.utf8), contentType: "text/html; charset=utf-8")
        }
        router.get("/playground/:file") { [files] _, context in
            guard let file = files[try context.parameters.require("file")] else { throw HTTPError(.notFound) }
            return Self.response(file.bytes, contentType: file.contentType)
        }
    }

    static func response(_ bytes: [UInt8], contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
