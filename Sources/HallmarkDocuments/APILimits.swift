/// The bounds the HTTP API puts on what it accepts (also stated in `Protocol/http-api.openapi.json`).
public enum APILimits {
    /// The largest request body read, in bytes (8 MiB); a larger one gets `413`.
    public static let maximumBodyBytes = 8 << 20
    /// The most identifiers in one `POST /v1/check`, indicators in one `POST /v1/indicators`, or identifiers in one
    /// `POST /v1/retractions`; more gets `413`.
    public static let maximumBatch = 10_000
    /// The largest indicator file sent as a body (`POST /v1/indicators` as `text/csv` or `application/jsonl`), in bytes
    /// (64 GiB): it is written to the data folder's disk and imported from there, so memory stays flat at any size.
    public static let maximumFileBytes: Int64 = 64 << 30
}
