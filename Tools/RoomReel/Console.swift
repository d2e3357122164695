import Foundation

/// Lines for the person at the terminal. Written straight to the stdout file descriptor rather than
/// through `print`, whose buffer holds them back when stdout is a pipe or a file (CI logs, `tee`).
enum Console {
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
