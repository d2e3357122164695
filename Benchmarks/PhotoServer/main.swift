import Foundation
import Hummingbird

// The ingress benchmark's stand-in for a client's image host: serves one file from memory at
// /room.jpg on a loopback port it prints first. Written on the same HTTP stack as the services, so
// that the host costs the 2-core machine little next to the api-ingress it feeds (Python's threading
// server took a quarter of the machine at 1,000 photos/s).
//
//   photo-server <file.jpg>

guard CommandLine.arguments.count == 2, let photo = FileManager.default.contents(atPath: CommandLine.arguments[1]) else {
    FileHandle.standardError.write(Data("usage: photo-server <file.jpg>\n".utf8))
    exit(2)
}
let body = ByteBuffer(bytes: photo)
let router = Router()
router.get("/room.jpg") { _, _ in
    Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: body))
}
let application = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: 0)),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(Data("\(channel.localAddress?.port ?? 0)\n".utf8))
    })
try await application.runService()
