import Foundation
import Testing
@testable import ProviderBridge

@Suite struct JSONBodyTests {
    @Test func encodesNestedValuesAsJSONSerializationReadsThem() throws {
        let photo = String(repeating: "QUJD", count: 40_000)
        let body: [String: Any] = [
            "prompt": "a \"quoted\" line\nand a slash / and é",
            "instances": [["image": ["bytesBase64Encoded": photo, "mimeType": "image/jpeg"]]],
            "parameters": ["durationSeconds": 5, "ratio": 1.5, "loop": true, "seed": NSNull()],
        ]
        let data = try JSONBody.encode(body)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"instances":[{"image":{"bytesBase64Encoded":"QUJD"#))
        #expect(text.contains(#""prompt":"a \"quoted\" line\nand a slash / and é""#))
        let read = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let parameters = try #require(read["parameters"] as? [String: Any])
        #expect(parameters["durationSeconds"] as? Int == 5)
        #expect(parameters["ratio"] as? Double == 1.5)
        #expect(parameters["loop"] as? Bool == true)
        #expect(parameters["seed"] is NSNull)
        let instances = try #require(read["instances"] as? [[String: Any]])
        let image = try #require(instances.first?["image"] as? [String: Any])
        #expect(image["bytesBase64Encoded"] as? String == photo)
    }

    @Test func refusesAValueThatIsNotJSON() {
        #expect(throws: JSONBody.NotJSON.self) { try JSONBody.encode(["when": Date()]) }
    }
}
