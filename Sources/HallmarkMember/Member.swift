import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One alliance member as this machine holds it: its identity, its store and its filter, and the operations its
/// users run — submit, import, retract, dispute, check, audit, status, receive a peer's log.
///
/// The running node (HallmarkNode) serves a `Member` to its peers and its API; the command line opens one over the
/// data folder when no node runs. Everything above this layer reaches the store through it. Safe to share between tasks. Writes to the member's own log are serialized by the store.
public final class Member: Sendable {
    /// The member's credentials and the alliance's trust anchors.
    public let identity: NodeIdentity
    /// The persistent state. Only this layer (and the tests) reach it: everything above goes through the member's
    /// operations.
    package let store: HallmarkStore
    let digester: IndicatorDigester
    let logger: Logger
    let headUpdates = HeadUpdates()
    let metrics = MemberMetrics()
    /// What this node last learnt syncing with each peer; the federation's sync loops keep it, the API shows it.
    public let peerSyncs = PeerSyncBoard()
    /// What the federation listener refused, and to whom; the listener keeps it, status and the API show it.
    public let refusals = RefusalBoard()
    /// The Merkle trees of the logs held, shared by federation, audits and evidence bundles.
    package let trees: LogTreeCache
    private let revocationList: Mutex<RevocationList?>
    private let imageMatchingPolicy = Mutex(ImageMatching())

    init(identity: NodeIdentity, store: HallmarkStore, logger: Logger) {
        self.identity = identity
        self.store = store
        self.trees = LogTreeCache(store: store)
        self.digester = IndicatorDigester(key: identity.allianceKey)
        self.logger = logger
        self.revocationList = Mutex(identity.revocations)
        if let list = identity.revocations, list.isOutdated() {
            logger.warning(
                "the alliance's revocation list is past its next update; install a newer one",
                metadata: ["revocations.number": "\(list.number)", "revocations.next_update": "\(list.nextUpdate)"]
            )
        }
    }

    /// How this node matches and accepts PDQ image hashes; the defaults until ``useImageMatching(_:)``.
    public var imageMatching: ImageMatching {
        imageMatchingPolicy.withLock { $0 }
    }

    /// Matches and accepts PDQ image hashes by `policy` from now on (a node's configuration sets it at start).
    public func useImageMatching(_ policy: ImageMatching) {
        imageMatchingPolicy.withLock { $0 = policy }
    }

    /// The alliance's revocation list this node applies: the newest it has loaded or been given; `nil` when none.
    public var revocations: RevocationList? {
        revocationList.withLock { $0 }
    }

    /// Applies `list` from now on when it is newer than the one applied (a node never goes back to an older list).
    /// Memory only: ``installRevocationList(from:)`` also keeps it in the data folder.
    /// - Returns: Whether `list` is now the one applied.
    @discardableResult
    public func useRevocationList(_ list: RevocationList) -> Bool {
        guard list.caFingerprint == identity.trust.fingerprint else { return false }
        let adopted = revocationList.withLock { current in
            if let current, current.number >= list.number { return false }
            current = list
            return true
        }
        if adopted {
            logger.info(
                "applying a new revocation list",
                metadata: ["revocations.number": "\(list.number)", "revocations.entries": "\(list.revocations.count)"]
            )
        }
        return adopted
    }

    /// Installs a newer revocation list from `file` into this node's data folder and applies it at once.
    /// - Throws: ``HallmarkError`` as ``NodeIdentity/installRevocationList(from:into:)``.
    @discardableResult
    public func installRevocationList(from file: URL) throws -> RevocationList {
        let list = try identity.installRevocationList(from: file, into: store.directory)
        useRevocationList(list)
        return list
    }

    /// Makes `dataDirectory` a new store for the member whose credentials are given, after checking
    /// them: the certificate must be issued by the alliance CA, the key must match it, the alliance key must parse.
    /// - Throws: ``HallmarkError`` naming the file and the problem; nothing is written then.
    public static func initialize(
        dataDirectory: URL,
        memberCertificate: URL,
        memberKey: URL,
        allianceCA: URL,
        allianceKey: URL,
        logger: Logger
    ) async throws -> Member {
        let identity = try await NodeIdentity.load(
            memberCertificate: memberCertificate,
            memberKey: memberKey,
            allianceCA: allianceCA,
            allianceKey: allianceKey
        )
        let storePath = dataDirectory.appendingPathComponent(HallmarkStore.databaseFileName).path
        if FileManager.default.fileExists(atPath: storePath) {
            throw HallmarkError(.storeProblem, "a Hallmark store already exists here", location: dataDirectory.path)
        }
        try identity.install(into: dataDirectory)
        let store = try HallmarkStore.create(in: dataDirectory, selfMember: identity.member, logger: logger)
        try await store.recordMember(
            identity.member,
            certificatePEM: identity.certificatePEM,
            fingerprint: identity.fingerprint
        )
        logger.info("store created", metadata: ["member": "\(identity.member)", "data": "\(dataDirectory.path)"])
        return Member(identity: identity, store: store, logger: logger)
    }

    /// Opens the node whose data folder is `dataDirectory`.
    /// - Parameters:
    ///   - dataDirectory: The data folder.
    ///   - logger: Where the node reports.
    ///   - deferringFilterBuild: Open at once even when the filter must be rebuilt, answering checks from the store's
    ///     index until ``FilterMaintenance`` has built it (see
    ///     ``HallmarkStore/open(in:logger:deferringFilterBuild:holdingListedTable:)``); the listed table too.
    ///   - holdingListedTable: Whether positive checks are answered from memory (a node) rather than from the store
    ///     (a one-shot command, which need not spend the time to build the table).
    /// - Throws: ``HallmarkError`` `store-problem` when the folder is not a Hallmark store.
    public static func open(
        dataDirectory: URL,
        logger: Logger,
        deferringFilterBuild: Bool = false,
        holdingListedTable: Bool = true
    ) async throws -> Member {
        let store = try HallmarkStore.open(
            in: dataDirectory,
            logger: logger,
            deferringFilterBuild: deferringFilterBuild,
            holdingListedTable: holdingListedTable
        )
        let identity = try await NodeIdentity.load(installedIn: dataDirectory)
        guard identity.member == store.selfMember else {
            throw HallmarkError(
                .storeProblem,
                "the store belongs to \(store.selfMember) but the installed certificate is \(identity.member)",
                location: dataDirectory.path
            )
        }
        return Member(identity: identity, store: store, logger: logger)
    }

    /// Saves the filter snapshot so the next start is fast. The snapshot is only a cache: when it cannot be written
    /// (a full disk) the next open rebuilds the filter from the store, so a failure is logged, not thrown.
    public func close() async throws {
        await store.saveFilterSnapshotOrWarn()
    }

    /// Origins whose log grows in this node from now on (its own through submissions, others' through
    /// ``receive(_:originCertificatePEM:)``), one element per committed batch, or whose checkpoint gained
    /// cosignatures (``receiveCosignatures(_:of:from:)``), until the caller stops iterating.
    public func logGrowth() -> AsyncStream<MemberID> {
        headUpdates.stream()
    }

    /// The digest under which `identifier` is shared: keyed for most kinds, the hash itself for `image-pdq`.
    public func digest(of identifier: Identifier) -> Hash256 {
        digester.digest(of: identifier)
    }

    /// Whether the Bloom filter is loaded; until it is, checks are answered from the store's index (slower).
    public var isFilterLoaded: Bool { store.isFilterLoaded }

    /// Whether positive checks are answered from memory, or the store was opened without the listed table (then they
    /// are always answered from the store, and there is nothing to wait for).
    public var isListedTableReady: Bool { !store.holdsListedTable || store.isListedTableLoaded }

    /// Reads from the store once, for a readiness probe.
    /// - Throws: The store's error when it does not answer.
    public func probeStore() async throws {
        _ = try await store.logHead(of: identity.member)
        _ = store.filterStatistics
    }

    /// Gives memory back after a burst of work (many peers reading logs at once): SQLite's idle connections and
    /// caches, then the C heap's free pages (glibc keeps freed memory in its arenas otherwise). Runs on a thread of its
    /// own, since the store waits for readers in use; returns at once.
    public func releaseMemory() {
        Thread.detachNewThread { [store] in
            store.releaseMemory()
            _ = mallocTrim?(0)
        }
    }

    /// Sets the gauges of state that a scrape shows: the filter's fill, the listed table's size and the size of every
    /// log held.
    public func recordStateMetrics() async throws {
        let (count, bytes) = store.listedTableStatistics
        metrics.recordState(
            filter: store.filterStatistics,
            listedTable: (count, bytes, store.isListedTableLoaded),
            logs: try await store.logHeads()
        )
    }

    /// What `hallmark status` shows.
    public func status() async throws -> NodeStatus {
        let statistics = try await store.statistics()
        return NodeStatus(
            member: identity.member,
            dataDirectory: store.directory,
            allianceKeyID: identity.allianceKey.id,
            ownLogSize: statistics.logs.first { $0.origin == identity.member }?.treeSize ?? 0,
            store: statistics,
            revocationListNumber: revocations?.number,
            peerRejections: try await store.peerRejections(),
            quarantinedOrigins: try await store.quarantinedOrigins(),
            equivocationCount: try await store.equivocations().count
        )
    }
}

/// glibc's `malloc_trim`, which returns the free pages of every arena to the system; looked up at run time because
/// Swift's Glibc module does not export `malloc.h` (and another C library may not have it: then nil).
private let mallocTrim: (@convention(c) (Int) -> Int32)? = {
    #if canImport(Glibc)
        // RTLD_DEFAULT: search the process's global symbols.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    #else
        return nil
    #endif
}()
