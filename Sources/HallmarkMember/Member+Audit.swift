import HallmarkCore
import HallmarkRecords
import HallmarkStore

extension Member {
    /// Every entry about `identifier`, each proved: its inclusion in its origin's log against the origin's
    /// latest checkpoint, and that checkpoint's signature against the origin's alliance-issued certificate. An origin
    /// whose certificate is on the revocation list in force is marked (``AuditReport/revokedOrigins``).
    public func audit(_ identifier: Identifier) async throws -> AuditReport {
        let digest = digest(of: identifier)
        let stored = try await store.entries(kind: identifier.kind, digest: digest)
        var proofs: [MemberID: OriginProof] = [:]
        var audited: [AuditedEntry] = []
        for item in stored {
            let origin = item.entry.origin
            if proofs[origin] == nil { proofs[origin] = try await originProof(origin) }
            audited.append(proofs[origin]!.audit(item))
        }
        return AuditReport(
            identifier: identifier,
            digest: digest,
            localValue: try await store.localValue(kind: identifier.kind, digest: digest),
            entries: audited,
            revokedOrigins: try await originRevocations(Set(proofs.keys))
        )
    }

    /// What is needed to prove any entry of one origin: its latest checkpoint (pending, when the log is held in
    /// part beyond its latest stored one), whether that is authentic, and the tree of leaves held toward it.
    private struct OriginProof {
        var covering: CoveringCheckpoint?
        var tree: MerkleTree?
        var signatureProblem: String?
        var treeProblem: String?

        func audit(_ stored: StoredEntry) -> AuditedEntry {
            guard let covering else {
                return AuditedEntry(
                    stored: stored,
                    checkpoint: nil,
                    inclusionProblem: "no checkpoint of \(stored.entry.origin) held",
                    signatureProblem: signatureProblem
                )
            }
            var inclusionProblem = treeProblem
            if inclusionProblem == nil, let tree {
                do {
                    // Hash the stored bytes afresh: a leaf hash column that was altered proves nothing.
                    let proof = try covering.inclusionProof(forIndex: stored.entry.index, in: tree)
                    try proof.verify(leafHash: MerkleHash.leaf(stored.bytes), root: covering.checkpoint.rootHash)
                } catch let error as HallmarkError {
                    inclusionProblem = error.message
                } catch {
                    inclusionProblem = "\(error)"
                }
            }
            return AuditedEntry(
                stored: stored,
                checkpoint: covering.checkpoint,
                inclusionProblem: inclusionProblem,
                signatureProblem: signatureProblem
            )
        }
    }

    private func originProof(_ origin: MemberID) async throws -> OriginProof {
        var proof = OriginProof()
        guard let covering = try await store.provingCheckpoint(of: origin) else { return proof }
        let checkpoint = covering.checkpoint
        proof.covering = covering
        proof.signatureProblem = await signatureProblem(of: checkpoint)
        do {
            let tree = try await trees.tree(of: origin, size: covering.heldSize)
            if try tree.root(
                treeSize: checkpoint.treeSize,
                heldSize: covering.heldSize,
                rightSubtrees: covering.rightSubtrees
            )
                != checkpoint.rootHash
            {
                proof.treeProblem = "the stored log of \(origin) does not hash to its checkpoint's root"
            }
            proof.tree = tree
        } catch {
            proof.treeProblem = "\(error)"
        }
        return proof
    }

    /// Verifies a checkpoint's signature with its origin's certificate, itself verified against the alliance CA.
    private func signatureProblem(of checkpoint: Checkpoint) async -> String? {
        do {
            guard let pem = try await store.memberCertificatePEM(checkpoint.origin) else {
                return "no certificate of \(checkpoint.origin) held"
            }
            let publicKey = try await identity.verifiedSigningKey(certificatePEM: pem, of: checkpoint.origin)
            try checkpoint.verifySignature(using: publicKey)
            return nil
        } catch let error as HallmarkError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}
