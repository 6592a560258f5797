/// What a peer can hold open on the federation listener (Protocol/PROTOCOL.md §5): every connection must finish its
/// TLS handshake within ``handshakeTimeout``, and at most ``maximumPerAddress`` connections from one address and
/// ``maximumTotal`` in all are kept; addresses in ``reservedAddresses`` (the configured peers') do not count towards
/// the total, so a flood from elsewhere cannot lock them out.
public struct ConnectionLimits: Sendable, Equatable {
    /// How long an accepted connection has to complete its TLS handshake (default 10 s).
    public var handshakeTimeout: Duration
    /// The most connections kept from one remote address (default 64).
    public var maximumPerAddress: Int
    /// The most connections kept in all, reserved addresses aside (default 512).
    public var maximumTotal: Int
    /// Remote addresses (IPv4 text, such as `203.0.113.7`) exempt from ``maximumTotal``: the configured peers'.
    public var reservedAddresses: Set<String>

    /// Limits; the defaults suit a node with a few hundred peers.
    public init(
        handshakeTimeout: Duration = .seconds(10),
        maximumPerAddress: Int = 64,
        maximumTotal: Int = 512,
        reservedAddresses: Set<String> = []
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.maximumPerAddress = maximumPerAddress
        self.maximumTotal = maximumTotal
        self.reservedAddresses = reservedAddresses
    }
}
