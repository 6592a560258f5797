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

/// Progress of one phase of a long command on standard error: on a terminal, one line redrawn a few times a second
/// with a bar, the count, the rate and the time left; otherwise (a log file, a pipe, a service's journal) a plain line
/// every few seconds, so that a long run is never silent.
final class ProgressLine {
    /// How often a plain line is written when standard error is not a terminal.
    static let plainInterval: Duration = .seconds(5)
    /// How often the terminal line is redrawn.
    static let terminalInterval: Duration = .milliseconds(100)

    let phase: String
    let unit: String
    let total: Int?
    private let terminal = Output.stderrIsTerminal
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastWritten: ContinuousClock.Instant
    private var drawn = false

    /// A phase counting `unit`s, out of `total` when known.
    init(_ phase: String, unit: String, total: Int?) {
        self.phase = phase
        self.unit = unit
        self.total = total
        started = clock.now
        lastWritten = started
    }

    /// Reports `done` units so far; writes only when the interval since the last line has passed.
    /// - Parameter part: How far the phase is, as a part of a whole, when the count alone cannot tell (a file read
    ///   whose lines are not counted yet: its bytes read and its size); by default `done` of the total.
    func update(done: Int, part: (Int, of: Int)? = nil) {
        let now = clock.now
        guard now - lastWritten >= (terminal ? Self.terminalInterval : Self.plainInterval) else { return }
        lastWritten = now
        write(done: done, part: part, at: now)
    }

    /// Ends the phase: on a terminal, draws the final figures and ends the line.
    func finish(done: Int) {
        guard terminal else { return }
        write(done: done, part: (1, of: 1), at: clock.now)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func write(done: Int, part: (Int, of: Int)?, at now: ContinuousClock.Instant) {
        let seconds = max(0.001, (now - started) / .seconds(1))
        var parts = [total.map { "\(done) of \($0) \(unit)" } ?? "\(done) \(unit)"]
        parts.append(String(format: "%.0f/s", Double(done) / seconds))
        // In whole numbers, clamped, so that a file that grows while it is read shows 100 %, not more.
        let (reached, whole) = part ?? (done, total ?? 0)
        let share = whole > 0 ? (numerator: min(whole, max(0, reached)), denominator: whole) : nil
        if let share, share.numerator > 0, share.numerator < share.denominator {
            let left = seconds * Double(share.denominator - share.numerator) / Double(share.numerator)
            parts.append(String(format: "about %.0f s left", left))
        }
        let percent = share.map { $0.numerator * 100 / $0.denominator }
        if terminal {
            let width = 24
            let filled = share.map { $0.numerator * width / $0.denominator } ?? 0
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K\(phase) [\(bar)] \(parts.joined(separator: ", "))".utf8))
        } else {
            let shown = percent.map { " (\($0)%)" } ?? ""
            Output.note("\(phase): \(parts[0])\(shown), \(parts.dropFirst().joined(separator: ", "))")
        }
    }
}
