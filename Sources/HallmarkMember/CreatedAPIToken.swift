import HallmarkRecords
import HallmarkStore

/// A token just created: the record kept in the store, and its secret, which is shown this once and never again.
public struct CreatedAPIToken: Sendable {
    /// The token as the store keeps it.
    public var token: APIToken
    /// The bearer secret, `hm_` followed by 43 base64url characters (256 random bits).
    public var secret: String
}
