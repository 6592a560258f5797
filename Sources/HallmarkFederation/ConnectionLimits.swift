/// What a peer can hold open on the federation listener and ask of it (Protocol/PROTOCOL.md §5): every connection
/// must finish its TLS handshake within ``handshakeTimeout``, and at most ``maximumPerAddress`` connections from one
/// address and ``maximumTotal`` in all are kept; addresses in ``reservedAddresses`` (the configured peers') do not
/// count towards the total, so a flood from elsewhere cannot lock them out. A member's FetchLog calls are bounded
/// in number at once and in rate, in all and per origin.
public struct ConnectionLimits: Sendable, Equatable {
    /// How long an accepted connection has to complete its TLS handshake (default 10 s).
    public var handshakeTimeout: Duration
    /// The most connections kept from one remote address (default 64).
    public var maximumPerAddress: Int
    /// The most connections kept in all, reserved addresses aside (default 512).
    public var maximumTotal: Int
    /// Remote addresses (IPv4 text, such as `203.0.113.7`) exempt from ``maximumTotal``: the configured peers'.
    public var reservedAddresses: Set<String>
    /// The most FetchLog streams one member may have open at once (default 8).
    public var maximumFetchesPerPeer: Int
    /// FetchLog calls one member may make (default 20 a second, bursts of 100).
    public var fetchRatePerPeer: CallRate
    /// FetchLog calls one member may make for one origin's log (default 2 a second, bursts of 10).
    public var fetchRatePerOrigin: CallRate

    /// Limits; the defaults suit a node with a few hundred peers.
    public init(
        handshakeTimeout: Duration = .seconds(10),
        maximumPerAddress: Int = 64,
        maximumTotal: Int = 512,
        reservedAddresses: Set<String> = [],
        maximumFetchesPerPeer: Int = 8,
        fetchRatePerPeer: CallRate = CallRate(perSecond: 20),
        fetchRatePerOrigin: CallRate = CallRate(perSecond: 2)
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.maximumPerAddress = maximumPerAddress
        self.maximumTotal = maximumTotal
        self.reservedAddresses = reservedAddresses
        self.maximumFetchesPerPeer = maximumFetchesPerPeer
        self.fetchRatePerPeer = fetchRatePerPeer
        self.fetchRatePerOrigin = fetchRatePerOrigin
    }
}

/// A rate of calls with bursts: ``perSecond`` in the long run, up to ``burst`` at once after a quiet spell.
public struct CallRate: Sendable, Equatable, CustomStringConvertible {
    /// Calls a second in the long run.
    public var perSecond: Double
    /// Calls at once after a quiet spell.
    public var burst: Int

    /// A rate; the burst defaults to five seconds' worth.
    public init(perSecond: Double, burst: Int? = nil) {
        self.perSecond = perSecond
        self.burst = burst ?? max(1, Int(exactly: (perSecond * 5).rounded(.up)) ?? 1)
    }

    /// Such as `20 a second (bursts of 100)`.
    public var description: String {
        let rate = Int(exactly: perSecond).map(String.init) ?? "\(perSecond)"
        return "\(rate) a second (bursts of \(burst))"
    }
}
