import FuzzHarnesses
import Foundation

#if ROOMREEL_FUZZ
// Built with `-sanitize=fuzzer` (Tests/Fuzz/run.sh). SwiftPM links an executable's entry point as
// `roomreel_fuzz_main`, so that entry point hands the command line to libFuzzer's driver; the
// harness comes from ROOMREEL_FUZZ_HARNESS.
nonisolated(unsafe) private var harness = FuzzHarness.rawJSON

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("roomreel_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    let name = ProcessInfo.processInfo.environment["ROOMREEL_FUZZ_HARNESS"] ?? ""
    guard let chosen = FuzzHarness(rawValue: name) else {
        fatalError("ROOMREEL_FUZZ_HARNESS must be one of \(FuzzHarness.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'")
    }
    harness = chosen
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, testOneInput)
}

/// libFuzzer's callback: one input through the chosen harness; a broken invariant is a crash.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try harness.run(input)
    } catch {
        fatalError("\(harness.rawValue): \(error)")
    }
    return 0
}
#else
/// Without libFuzzer: `roomreel-fuzz HARNESS FILE…` runs the harness on each file, as the
/// fuzzer would, and reports what broke.
@main
struct RoomReelFuzz {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let harness = FuzzHarness(rawValue: name) else {
            print("usage: roomreel-fuzz \(FuzzHarness.allCases.map(\.rawValue).joined(separator: "|")) FILE…")
            exit(2)
        }
        var broken = 0
        for path in arguments.dropFirst() {
            do {
                try harness.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            } catch let finding as FuzzFinding {
                print("\(path): \(finding)")
                broken += 1
            }
        }
        exit(broken == 0 ? 0 : 1)
    }
}
#endif
