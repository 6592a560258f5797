import Foundation
import HallmarkDocuments
import HallmarkMember

/// Writes to standard output and standard error, unbuffered enough for scripts and pipes.
enum Output {
    /// Prints a line to standard output.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints `error: …` to standard error.
    static func error(_ text: String) {
        let message = text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    }

    /// Prints a note to standard error (progress, summaries that are not the command's result).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a value as pretty, key-sorted JSON on standard output.
    static func json(_ value: some Encodable) throws {
        let encoder = APIDocument.makeEncoder(pretty: true)
        line(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Whether standard error is a terminal (for progress bars).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}

/// A one-line progress bar on standard error, drawn only on a terminal.
struct ProgressBar {
    let label: String
    let enabled = Output.stderrIsTerminal

    func update(done: Int, total: Int) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let percent = min(100, done * 100 / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
