import Crypto
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import SwiftASN1
import X509

extension Member {
    /// Entries read per store query by ``verifyStore()``: bounds its memory whatever the log's size.
    static let verificationChunk = 65_536

    /// Recomputes every origin's Merkle tree from the stored entry bytes and checks it against every stored
    /// checkpoint and the log head, and every checkpoint's signature with the origin's certificate (issued by the
    /// alliance CA); reports the first problem per origin, with the log index where it is.
    ///
    /// Each checkpoint's root is compared with the root recomputed from the same stored entries at its size, so two
    /// successive checkpoints are consistent exactly when both match. Reads never block the node's writes (SQLite
    /// WAL): it runs against a live node; entries appended meanwhile are left for the next run.
    /// - Throws: ``HallmarkError`` when the store cannot be read at all (a problem in a log is reported, not thrown).
    public func verifyStore() async throws -> StoreVerification {
        var logs: [StoreVerification.Log] = []
        for origin in try await store.storedOrigins() {
            logs.append(try await verifyLog(of: origin))
        }
        return StoreVerification(logs: logs)
    }

    private func verifyLog(of origin: MemberID) async throws -> StoreVerification.Log {
        // Read the head and checkpoints first, at one moment: entries appended after this are beyond them and not
        // checked.
        let (head, stored, storedPending) = try await store.storedProofs(of: origin)
        var log = StoreVerification.Log(origin: origin, entries: 0, checkpoints: 0, problem: nil)
        func problem(_ index: UInt64?, _ message: String) -> StoreVerification.Log {
            log.problem = StoreVerification.Problem(index: index, message: message)
            return log
        }

        var checkpoints: [Checkpoint] = []
        for (treeSize, bytes) in stored {
            guard let checkpoint = try? Checkpoint(decoding: bytes), checkpoint.origin == origin,
                checkpoint.treeSize == treeSize
            else {
                return problem(nil, "the stored checkpoint at size \(treeSize) is not a valid checkpoint of \(origin)")
            }
            checkpoints.append(checkpoint)
        }
        var pending: (checkpoint: Checkpoint, heldSize: UInt64, rightSubtrees: [Hash256])?
        if let storedPending {
            guard let checkpoint = try? Checkpoint(decoding: storedPending.bytes), checkpoint.origin == origin,
                checkpoint.treeSize == storedPending.treeSize, checkpoint.treeSize > storedPending.heldSize,
                storedPending.heldSize > (checkpoints.last?.treeSize ?? 0),
                let subtrees = storedPending.subtreeHashes
            else {
                return problem(
                    nil,
                    "the pending checkpoint of \(origin) (size \(storedPending.treeSize), held \(storedPending.heldSize)) "
                        + "is not a valid checkpoint beyond the stored ones"
                )
            }
            pending = (checkpoint, storedPending.heldSize, subtrees)
        }
        let key: P256.Signing.PublicKey?
        do {
            key = try await checkpointKey(of: origin, signing: pending?.checkpoint ?? checkpoints.last)
        } catch let error as HallmarkError {
            return problem(nil, error.message)
        }
        let end = max(head?.treeSize ?? 0, checkpoints.last?.treeSize ?? 0, pending?.heldSize ?? 0)
        var frontier = MerkleFrontier()
        var next = checkpoints.makeIterator()
        var checkpoint = next.next()
        var covered: UInt64 = 0
        while frontier.size < end {
            let leaves: [StoredLeaf]
            do {
                leaves = try await store.storedLeaves(of: origin, from: frontier.size, limit: Self.verificationChunk)
            } catch let error as HallmarkError where error.code == .storeProblem {
                // A segment that no longer decodes: what precedes it verified, so the damage starts here.
                return problem(frontier.size, error.message)
            }
            if leaves.isEmpty {
                return problem(
                    frontier.size,
                    "entries \(frontier.size)..<\(end) of \(origin) are missing from the store"
                )
            }
            for leaf in leaves where leaf.index < end {
                let index = frontier.size
                guard leaf.index == index else {
                    return problem(index, "entry \(index) of \(origin) is missing from the store")
                }
                let entry: Entry
                do {
                    entry = try Entry(decoding: leaf.bytes)
                } catch let error as HallmarkError {
                    return problem(
                        index,
                        "the stored bytes of entry \(index) of \(origin) do not decode: \(error.message)"
                    )
                }
                guard entry.origin == origin, entry.index == index else {
                    return problem(
                        index,
                        "the bytes stored as entry \(origin)#\(index) are entry \(entry.origin)#\(entry.index)"
                    )
                }
                frontier.append(MerkleHash.leaf(leaf.bytes))
                log.entries += 1
                while let current = checkpoint, current.treeSize == frontier.size {
                    if let message = Self.checkpointProblem(current, frontier: frontier, key: key, from: covered) {
                        return problem(covered, message)
                    }
                    log.checkpoints += 1
                    covered = current.treeSize
                    checkpoint = next.next()
                }
                if let pending, pending.heldSize == frontier.size {
                    if let message = Self.pendingProblem(pending, frontier: frontier, key: key, from: covered) {
                        return problem(covered, message)
                    }
                    log.checkpoints += 1
                    covered = pending.heldSize
                }
            }
        }
        if covered < frontier.size {
            return problem(
                covered,
                "entries \(covered)..<\(frontier.size) of \(origin) are covered by no stored checkpoint, "
                    + "nor by the checkpoint they were verified against: a checkpoint was deleted from the store"
            )
        }
        if let head, head.treeSize != frontier.size || head.rootHash != frontier.root {
            return problem(
                nil,
                "the log head of \(origin) (size \(head.treeSize), root \(head.rootHash.hex)) differs from the log "
                    + "recomputed from its entries (size \(frontier.size), root \(frontier.root.hex))"
            )
        }
        return log
    }

    /// What is wrong with a checkpoint reached by the recomputed tree, if anything.
    /// (`frontier` is `nil` when the root was checked already.)
    private static func checkpointProblem(
        _ checkpoint: Checkpoint,
        frontier: MerkleFrontier?,
        key: P256.Signing.PublicKey?,
        from covered: UInt64
    ) -> String? {
        if let frontier, checkpoint.rootHash != frontier.root {
            return "entries \(covered)..<\(checkpoint.treeSize) of \(checkpoint.origin) do not hash to the root of "
                + "its checkpoint at size \(checkpoint.treeSize): one of them was altered"
        }
        guard let key else { return "no certificate of \(checkpoint.origin) is held to verify its checkpoints" }
        do {
            try checkpoint.verifySignature(using: key)
        } catch {
            return "the checkpoint of \(checkpoint.origin) at size \(checkpoint.treeSize) is not signed by its "
                + "certified key"
        }
        return nil
    }

    /// What is wrong with the pending checkpoint, reached by the recomputed tree at its held size, if anything: the
    /// held entries and the stored subtree hashes must hash to its root, and it must be signed.
    private static func pendingProblem(
        _ pending: (checkpoint: Checkpoint, heldSize: UInt64, rightSubtrees: [Hash256]),
        frontier: MerkleFrontier,
        key: P256.Signing.PublicKey?,
        from covered: UInt64
    ) -> String? {
        let checkpoint = pending.checkpoint
        guard
            (try? frontier.root(extendedTo: checkpoint.treeSize, withSubtrees: pending.rightSubtrees))
                == checkpoint.rootHash
        else {
            return
                "entries \(covered)..<\(pending.heldSize) of \(checkpoint.origin) with the subtree hashes stored beside "
                + "them do not hash to the root of the checkpoint at size \(checkpoint.treeSize) they were verified "
                + "against: an entry or a hash was altered"
        }
        return checkpointProblem(checkpoint, frontier: nil, key: key, from: covered)
    }

    /// The origin's certified key, its certificate checked against the alliance CA at its latest checkpoint's time
    /// (when it signed, not now: an expired certificate still proves what it signed while valid).
    private func checkpointKey(of origin: MemberID, signing latest: Checkpoint?) async throws -> P256.Signing.PublicKey?
    {
        guard let latest, let pem = try await store.memberCertificatePEM(origin) else { return nil }
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw HallmarkError(.malformed, "the certificate held for \(origin) is not a PEM certificate")
        }
        let named = try await identity.trust.verify(member: certificate, at: latest.time.date)
        guard named == origin else {
            throw HallmarkError(.untrustedCredential, "the certificate held for \(origin) names \(named)")
        }
        return try certificate.signingPublicKey()
    }
}
