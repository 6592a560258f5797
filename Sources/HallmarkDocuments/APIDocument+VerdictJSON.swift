import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkRecords

extension APIDocument {
    /// The JSON of one verdict: byte for byte what ``makeEncoder(pretty:)`` makes of ``VerdictBody``, written
    /// directly (the HTTP API answers verdicts thousands of times a second).
    public static func json(of verdict: Verdict) -> [UInt8] {
        var output = JSONOutput(capacity: 160 + 320 * verdict.origins.count)
        write(verdict, to: &output)
        return output.bytes
    }

    /// `{"verdicts": […]}` for a batch, byte for byte what ``makeEncoder(pretty:)`` makes of the same documents.
    public static func json(ofVerdicts verdicts: [Verdict]) -> [UInt8] {
        var output = JSONOutput(capacity: 16 + verdicts.reduce(0) { $0 + 160 + 320 * $1.origins.count })
        output.beginObject()
        output.key("verdicts")
        output.beginArray()
        for verdict in verdicts {
            output.element()
            write(verdict, to: &output)
        }
        output.endArray()
        output.endObject()
        return output.bytes
    }

    // Keys in sorted order of their snake_case form, as the encoder sorts them.
    private static func write(_ verdict: Verdict, to output: inout JSONOutput) {
        output.beginObject()
        output.key("digest")
        output.string(verdict.digest.hex)
        output.key("kind")
        output.string(verdict.kind.name)
        if verdict.kind == .imagePDQ {
            output.key("matches")
            output.beginArray()
            for match in verdict.imageMatches {
                output.element()
                output.beginObject()
                output.key("digest")
                output.string(match.hash.hex)
                output.key("distance")
                output.integer(match.distance)
                write(match.origins, revoked: match.revokedOrigins, to: &output)
                output.endObject()
            }
            output.endArray()
        }
        write(verdict.origins, revoked: verdict.revokedOrigins, to: &output)
        output.key("status")
        output.string(verdict.status.rawValue)
        output.string("value", verdict.identifier?.normalized)
        output.endObject()
    }

    /// `"origins": […]`.
    private static func write(
        _ records: [AssertionRecord],
        revoked: [MemberID: OriginRevocation],
        to output: inout JSONOutput
    ) {
        output.key("origins")
        output.beginArray()
        for record in records {
            output.element()
            write(record, revoked: revoked[record.origin], to: &output)
        }
        output.endArray()
    }

    private static func write(_ record: AssertionRecord, revoked: OriginRevocation?, to output: inout JSONOutput) {
        output.beginObject()
        output.key("confidence")
        output.integer(record.confidence)
        output.key("disputes")
        output.beginArray()
        for dispute in record.disputes {
            output.element()
            output.beginObject()
            output.key("member")
            output.string(dispute.disputer.rawValue)
            output.key("note")
            output.string(dispute.note)
            output.key("reason")
            output.string(dispute.reason)
            output.key("time")
            output.string(dispute.time.iso8601)
            output.endObject()
        }
        output.endArray()
        output.string("expires", record.expires?.iso8601)
        output.key("first_seen")
        output.string(record.firstSeen.iso8601)
        output.key("last_seen")
        output.string(record.lastSeen.iso8601)
        output.key("member")
        output.string(record.origin.rawValue)
        output.key("note")
        output.string(record.note)
        output.key("reason")
        output.string(record.reason)
        output.key("received_from")
        output.string(record.receivedFrom.rawValue)
        if let revoked {
            output.key("revoked")
            output.beginObject()
            output.key("counts")
            output.boolean(revoked.counts(record))
            output.key("reason")
            output.string(revoked.reason.name)
            output.key("revocation_list")
            output.integer(revoked.listNumber)
            output.key("since")
            output.string(revoked.since.iso8601)
            output.endObject()
        }
        output.endObject()
    }
}
