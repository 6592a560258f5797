/// Prints measurements as a Markdown table, one row per measure, one column per filter.
struct ResultTable {
    private var rows: [(String, String, String)] = []

    mutating func add(_ measure: String, _ hallmark: String, _ libbloom: String = "—") {
        rows.append((measure, hallmark, libbloom))
    }

    /// `12.3 M/s (81.3 ns)`: throughput and time per operation.
    static func rate(_ stopwatch: Stopwatch) -> String {
        "\(fixed(stopwatch.operationsPerSecond / 1e6, 1)) M/s (\(fixed(stopwatch.nanosecondsPerOperation, 1)) ns)"
    }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if digits == 0 {
                text = String(text[..<dot])
            } else if decimals < digits {
                text += String(repeating: "0", count: digits - decimals)
            }
        }
        return text
    }

    /// `1.23 %`
    static func percent(_ rate: Double) -> String { "\(fixed(rate * 100, 4)) %" }

    /// `2.1 MiB`, or `20.6 KiB` below a mebibyte.
    static func mebibytes(_ bytes: Int) -> String {
        bytes < 1_048_576 ? "\(fixed(Double(bytes) / 1_024, 1)) KiB" : "\(fixed(Double(bytes) / 1_048_576, 1)) MiB"
    }

    func print(headers header: (String, String, String) = ("measure", "Hallmark split-block", "libbloom")) {
        let all = [header] + rows
        let widths = (
            all.map(\.0.count).max()!, all.map(\.1.count).max()!, all.map(\.2.count).max()!
        )
        func line(_ row: (String, String, String)) -> String {
            "| " + row.0.padding(widths.0) + " | " + row.1.padding(widths.1) + " | " + row.2.padding(widths.2) + " |"
        }
        Swift.print(line(header))
        Swift.print(
            "|" + String(repeating: "-", count: widths.0 + 2) + "|" + String(repeating: "-", count: widths.1 + 2)
                + "|" + String(repeating: "-", count: widths.2 + 2) + "|"
        )
        for row in rows { Swift.print(line(row)) }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
