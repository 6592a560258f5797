import Foundation
import HallmarkCore
import HallmarkPKI
import X509

/// Checks an evidence bundle with nothing but the bundle and the alliance CA certificate: no store, no network,
/// no clock (every time judged is one the bundle states and some signature covers).
///
/// The algorithm is `Protocol/evidence.md` §4, step by step; each step is an ``EvidenceCheck`` in the verdict.
public struct EvidenceVerifier: Sendable {
    /// The alliance CA the bundle is checked against.
    public let trust: AllianceTrust

    /// A verifier trusting `trust`'s CA.
    public init(trust: AllianceTrust) {
        self.trust = trust
    }

    /// Reads and checks a bundle.
    /// - Parameter json: The bundle file's bytes.
    /// - Returns: The verdict: valid or not, with every check.
    /// - Throws: ``HallmarkError`` `malformed` when the bytes are not a readable bundle (see
    ///   ``EvidenceBundle/init(json:)``); a readable bundle that fails a check is an invalid verdict, not an error.
    public func verify(json: Data) async throws -> EvidenceVerdict {
        await verify(try EvidenceBundle(json: json))
    }

    /// Checks a bundle.
    /// - Parameter bundle: The bundle.
    /// - Returns: The verdict: valid or not, with every check.
    public func verify(_ bundle: EvidenceBundle) async -> EvidenceVerdict {
        var run = Run(bundle: bundle, trust: trust)
        await run.checkBundle()
        for entry in bundle.entries { await run.check(entry) }
        run.checkAttestation()
        return EvidenceVerdict(bundle: bundle, allianceName: trust.allianceName, checks: run.checks)
    }
}

extension EvidenceVerifier {
    /// One verification: the checks made so far and what earlier checks established.
    ///
    /// Its steps are in `EvidenceVerifier+Bundle.swift` (the bundle-wide checks and the attestation) and
    /// `EvidenceVerifier+Entry.swift` (the checks of each entry).
    struct Run {
        let bundle: EvidenceBundle
        let trust: AllianceTrust
        var checks: [EvidenceCheck] = []
        /// The bundle's revocation list, once read; `nil` when it has none or it is unusable.
        var revocations: RevocationList?
        /// Whether the revocation list check passed: without it no certificate can be judged unrevoked.
        var revocationListUsable = true
        /// The producer's certificate, once checked, for the attestation.
        var producerKey: Certificate?
        /// The bundle's subject, once read, which every entry's claim must be about.
        var subject: (kind: String, digest: Hash256)?

        init(bundle: EvidenceBundle, trust: AllianceTrust) {
            self.bundle = bundle
            self.trust = trust
        }

        /// Records a check's result.
        mutating func note(_ name: String, _ item: String, _ outcome: EvidenceCheck.Outcome, _ detail: String) {
            checks.append(EvidenceCheck(name: name, item: item, outcome: outcome, detail: detail))
        }

        /// Runs `body`; records a pass with its detail, or a failure with the error's message.
        @discardableResult
        mutating func check(_ name: String, _ item: String, _ body: () async throws -> String) async -> Bool {
            do {
                note(name, item, .passed, try await body())
                return true
            } catch let error as HallmarkError {
                note(name, item, .failed, error.message)
            } catch {
                note(name, item, .failed, "\(error)")
            }
            return false
        }
    }
}
