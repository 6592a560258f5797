/// The version of this build of Hallmark, as `hallmark --version` and the `hallmark_build_info` metric show it.
public enum HallmarkVersion {
    /// The release number (semantic versioning).
    public static let number = "0.1.0"
    /// The federation protocol version this build speaks (Protocol/PROTOCOL.md).
    public static let protocolVersion: UInt32 = 2
}
