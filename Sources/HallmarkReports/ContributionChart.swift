import HallmarkMember

/// Draws the charts of a contribution report as inline SVG: no script, no font or file fetched, so the page works
/// offline and prints as it shows. Every text is escaped; every bar carries a `<title>` with its exact figure (a
/// tooltip in a browser).
enum ContributionChart {
    /// One stacked part of every bar.
    struct Series {
        var name: String
        var color: String
        var values: [Int]
    }

    /// One bar of a horizontal bar chart: a fraction from 0 to 1, or `nil` when there is nothing to show.
    struct Bar {
        var label: String
        var value: Double?
        var caption: String
    }

    /// Colours that stay apart for colour-blind readers (Okabe and Ito), in order of use.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555"]

    /// Vertical bars, one per category, each stacked from `series` bottom up, with a y axis of counts.
    static func stackedBars(
        title: String,
        categories: [String],
        series: [Series],
        xLabel: String,
        yLabel: String
    ) -> String {
        let slot = max(14.0, min(72.0, 720.0 / Double(max(categories.count, 1))))
        let left = 64.0, top = 56.0, plotHeight = 180.0
        let rotated = categories.count > 12
        let bottom = rotated ? 74.0 : 46.0
        let width = left + slot * Double(categories.count) + 24
        let totalWidth = max(width, 420)
        let height = top + plotHeight + bottom
        let totals = categories.indices.map { index in series.reduce(0) { $0 + $1.values[index] } }
        let (scaleMax, step) = niceScale(totals.max() ?? 0)
        var svg = open(width: totalWidth, height: height, title: title)
        svg += text(title, x: 8, y: 20, attributes: #"font-size="15" font-weight="bold""#)
        // Legend, under the title.
        var legendX = 8.0
        for part in series {
            svg += #"<rect x="\#(number(legendX))" y="30" width="12" height="12" fill="\#(part.color)"/>"#
            svg += text(part.name, x: legendX + 16, y: 40)
            legendX += 16 + Double(part.name.count) * 6.6 + 18
        }
        // Y axis: grid lines and counts.
        var tick = 0
        while tick <= scaleMax {
            let y = top + plotHeight - Double(tick) / Double(scaleMax) * plotHeight
            svg += line(x1: left, y1: y, x2: width - 16, y2: y, color: tick == 0 ? "#333333" : "#dddddd")
            svg += text(grouped(tick), x: left - 6, y: y + 4, attributes: #"text-anchor="end""#)
            tick += step
        }
        svg += text(
            yLabel,
            x: 14,
            y: top + plotHeight / 2,
            attributes: #"text-anchor="middle" transform="rotate(-90 14 \#(number(top + plotHeight / 2)))""#
        )
        // Bars and month labels.
        for (index, category) in categories.enumerated() {
            let x = left + slot * Double(index)
            var base = top + plotHeight
            for part in series where part.values[index] > 0 {
                let barHeight = Double(part.values[index]) / Double(scaleMax) * plotHeight
                base -= barHeight
                svg +=
                    #"<rect x="\#(number(x + slot * 0.15))" y="\#(number(base))" width="\#(number(slot * 0.7))" "#
                    + #"height="\#(number(barHeight))" fill="\#(part.color)">"#
                    + "<title>\(escaped("\(category): \(grouped(part.values[index])) \(part.name)"))</title></rect>"
            }
            let labelX = x + slot / 2, labelY = top + plotHeight + 14
            svg += text(
                category,
                x: labelX,
                y: labelY,
                attributes: rotated
                    ? #"text-anchor="end" transform="rotate(-45 \#(number(labelX)) \#(number(labelY)))""#
                    : #"text-anchor="middle""#
            )
        }
        svg += text(
            xLabel,
            x: left + slot * Double(categories.count) / 2,
            y: height - 6,
            attributes: #"text-anchor="middle""#
        )
        return svg + "</svg>"
    }

    /// Horizontal bars of fractions (0–1), one per row, on an axis of percentages.
    static func horizontalBars(title: String, bars: [Bar], xLabel: String) -> String {
        let labelWidth = Double(bars.map(\.label.count).max() ?? 0) * 7 + 16
        let left = max(labelWidth, 60), top = 40.0, rowHeight = 26.0, plotWidth = 360.0
        let height = top + rowHeight * Double(bars.count) + 48
        let width = left + plotWidth + 200
        let largest = bars.compactMap(\.value).max() ?? 0
        // Percent axis up to a round figure above the largest share, so that small shares stay visible.
        let (scaleMax, step) = niceScale(Int((largest * 100).rounded(.up)), minimum: 5)
        var svg = open(width: width, height: height, title: title)
        svg += text(title, x: 8, y: 20, attributes: #"font-size="15" font-weight="bold""#)
        let plotBottom = top + rowHeight * Double(bars.count)
        var tick = 0
        while tick <= scaleMax {
            let x = left + Double(tick) / Double(scaleMax) * plotWidth
            svg += line(x1: x, y1: top - 4, x2: x, y2: plotBottom, color: tick == 0 ? "#333333" : "#dddddd")
            svg += text("\(tick) %", x: x, y: plotBottom + 14, attributes: #"text-anchor="middle""#)
            tick += step
        }
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += text(bar.label, x: left - 8, y: y + rowHeight / 2 + 4, attributes: #"text-anchor="end""#)
            var end = left
            if let value = bar.value {
                let barWidth = value * 100 / Double(scaleMax) * plotWidth
                end += barWidth
                svg +=
                    #"<rect x="\#(number(left))" y="\#(number(y + 4))" width="\#(number(barWidth))" "#
                    + #"height="\#(number(rowHeight - 8))" fill="\#(palette[5])">"#
                    + "<title>\(escaped("\(bar.label): \(bar.caption)"))</title></rect>"
            }
            svg += text(bar.caption, x: end + 6, y: y + rowHeight / 2 + 4)
        }
        svg += text(xLabel, x: left + plotWidth / 2, y: height - 8, attributes: #"text-anchor="middle""#)
        return svg + "</svg>"
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in XML and HTML text and attributes.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A count with its thousands grouped by commas, as the page is in English: `405,004`.
    static func grouped(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var out = count < 0 ? "-" : ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    /// An axis from 0 to a round maximum at or above `value`, with a round step giving at most about five ticks.
    static func niceScale(_ value: Int, minimum: Int = 1) -> (maximum: Int, step: Int) {
        let value = max(value, minimum)
        var magnitude = 1
        while magnitude * 10 <= value / 5 { magnitude *= 10 }
        let step = [1, 2, 5, 10].map { $0 * magnitude }.first { $0 * 5 >= value } ?? magnitude * 10
        return ((value + step - 1) / step * step, step)
    }

    private static func open(width: Double, height: Double, title: String) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="\#(number(width))" height="\#(number(height))" "#
            + #"viewBox="0 0 \#(number(width)) \#(number(height))" font-family="sans-serif" font-size="11">"#
            + "<title>\(escaped(title))</title>"
    }

    private static func text(_ content: String, x: Double, y: Double, attributes: String = "") -> String {
        let extra = attributes.isEmpty ? "" : " " + attributes
        return #"<text x="\#(number(x))" y="\#(number(y))"\#(extra)>\#(escaped(content))</text>"#
    }

    private static func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String) -> String {
        #"<line x1="\#(number(x1))" y1="\#(number(y1))" x2="\#(number(x2))" y2="\#(number(y2))" stroke="\#(color)"/>"#
    }

    /// A coordinate with one decimal.
    private static func number(_ value: Double) -> String {
        ContributionReport.decimal(max(value, 0), digits: 1)
    }
}
