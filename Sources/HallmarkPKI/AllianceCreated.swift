import Foundation
import HallmarkCore

/// What ``AllianceFiles/initAlliance(name:outputDirectory:force:)`` wrote.
public struct AllianceCreated: Sendable {
    /// The alliance's name.
    public let allianceName: String
    /// The CA certificate (`ca.pem`): give it to every member.
    public let caCertificateFile: URL
    /// The CA private key (`ca-key.pem`): keep it offline.
    public let caKeyFile: URL
    /// The alliance key (`alliance.key`): give it to members only.
    public let allianceKeyFile: URL
    /// The SHA-256 fingerprint of the CA certificate, for members to compare out of band.
    public let caFingerprint: Hash256
    /// The id of the new alliance key.
    public let allianceKeyID: String
    /// When the CA certificate expires.
    public let expires: Date
}
