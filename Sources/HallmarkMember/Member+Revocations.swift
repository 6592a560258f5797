import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import SwiftASN1
import X509

extension Member {
    /// The origins among `origins` whose certificate (the one held to verify their checkpoints) is on the revocation
    /// list in force, with since when and why.
    ///
    /// Revocation is of a certificate: a member whose old certificate was superseded and whose log is verified with
    /// its new one is not marked. Only origins that the list names are looked up, so without revocations this costs
    /// nothing.
    public func originRevocations(_ origins: Set<MemberID>) async throws -> [MemberID: OriginRevocation] {
        guard let list = revocations else { return [:] }
        var marks: [MemberID: OriginRevocation] = [:]
        for origin in origins where !list.revocations(of: origin).isEmpty {
            guard let pem = try await store.memberCertificatePEM(origin),
                let certificate = try? Certificate(pemEncoded: pem),
                let revocation = list.revocation(of: certificate)
            else { continue }
            marks[origin] = OriginRevocation(
                since: Timestamp(revocation.time),
                reason: revocation.reason,
                listNumber: list.number
            )
        }
        return marks
    }
}
