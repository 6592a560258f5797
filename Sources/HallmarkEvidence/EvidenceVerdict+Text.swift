extension EvidenceVerdict {
    /// The verdict for a person (a lawyer, an auditor): what the bundle is about, every check with its result, what
    /// the entries say, and the conclusion, naming the first failed check when there is one.
    public var text: String {
        var lines: [String] = []
        lines.append("Hallmark evidence bundle (\(bundle.format))")
        lines.append("About:     \(bundle.subject.kind) identifier with digest \(bundle.subject.digest)")
        lines.append("Made by:   member \(bundle.producer.member), at \(bundle.producer.time)")
        lines.append("Checked:   against the alliance CA '\(allianceName)'")
        let origins = Set(bundle.entries.map(\.origin)).count
        lines.append("Holds:     \(bundle.entries.count) entries from \(origins) origin(s)")
        lines.append("")
        lines.append("Checks:")
        let nameWidth = checks.map(\.name.count).max() ?? 0
        let itemWidth = checks.map(\.item.count).max() ?? 0
        for check in checks {
            let outcome: String
            switch check.outcome {
            case .passed: outcome = "ok         "
            case .failed: outcome = "FAILED     "
            case .notChecked: outcome = "NOT CHECKED"
            }
            lines.append(
                "  \(outcome)  \(check.name.padded(nameWidth))  \(check.item.padded(itemWidth))  \(check.detail)"
            )
        }
        lines.append("")
        lines.append("What the entries say:")
        for entry in bundle.entries {
            var line = "  \(entry.origin)#\(entry.index): \(Self.describe(entry.claim, origin: entry.origin))"
            line += "; in \(entry.origin)'s log as signed with \(entry.checkpoint.treeSize) entries at "
            line += "\(entry.checkpoint.signedAt)"
            if entry.hops.isEmpty {
                line += "; made at \(bundle.producer.member) itself"
            } else {
                line += "; " + entry.hops.map { "reached \($0.to) from \($0.from) at \($0.at)" }.joined(separator: ", ")
            }
            lines.append(line)
        }
        lines.append("")
        if isValid {
            lines.append(
                "VERDICT: VALID. Every check passed: each entry above is, byte for byte, in the log its origin signed; "
                    + "the origin's certificate was issued by the alliance CA and not revoked when it signed; and "
                    + "\(bundle.producer.member) vouches for how the entries reached it."
            )
        } else if let failure = firstFailure {
            let failed = checks.filter { $0.outcome == .failed }.count
            lines.append(
                "VERDICT: INVALID. Check '\(failure.name)' failed for \(failure.item): \(failure.detail). "
                    + "(\(failed) of \(checks.count) checks failed.)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An entry's claim in one sentence, such as `brand-a asserted this seller (confidence 80, reason counterfeit)
    /// on 2026-11-29T04:40:30.123Z`.
    static func describe(_ claim: EvidenceBundle.Claim, origin: String) -> String {
        var text: String
        switch claim.action {
        case "assert":
            text = "\(origin) asserted this \(claim.kind) (confidence \(claim.confidence), reason \(claim.reason))"
        case "retract":
            text = "\(origin) retracted its assertion of this \(claim.kind)"
        case "dispute":
            text =
                "\(origin) disputed \(claim.disputedOrigin ?? "another member")'s assertion of this \(claim.kind) "
                + "(reason \(claim.reason))"
        default:
            text = "\(origin) recorded '\(claim.action)' about this \(claim.kind)"
        }
        text += " on \(claim.time)"
        if let expires = claim.expires { text += ", until \(expires)" }
        if !claim.note.isEmpty { text += ", noting \"\(claim.note)\"" }
        return text
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
