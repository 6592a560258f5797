import Crypto
import Foundation

/// The alliance's shared 32-byte secret that keys every indicator digest, with the id that names it.
///
/// The id is derived from the secret (so two files holding the same secret always agree on it) and
/// is recorded in every entry, so that a rotated key never makes old digests ambiguous.
public struct AllianceKey: Sendable {
    /// The id recorded beside each digest: `k` followed by 16 hex digits of SHA-256 over a label and the secret.
    public let id: String
    /// The secret key material.
    public let secret: SymmetricKey
    /// The SHA-256 fingerprint of the alliance CA certificate (DER) this key was made with, so that a node given the
    /// CA of one alliance and the key of another can tell; `nil` in key files made before it was recorded.
    public let caFingerprint: Hash256?

    /// The first line of an alliance key file.
    static let fileHeader = "hallmark-alliance-key v1"

    /// Wraps 32 secret bytes, belonging to the alliance CA whose certificate has `caFingerprint` when given.
    /// - Throws: ``HallmarkError`` `invalid-value` when the secret is not 32 bytes.
    public init(secret: some Collection<UInt8>, caFingerprint: Hash256? = nil) throws {
        guard secret.count == 32 else {
            throw HallmarkError(.invalidValue, "an alliance key must be 32 bytes, got \(secret.count)")
        }
        self.secret = SymmetricKey(data: Array(secret))
        self.caFingerprint = caFingerprint
        var labelled = Array("hallmark/v1/key-id/".utf8)
        labelled += secret
        self.id = "k" + String(Hash256(SHA256.hash(data: labelled)).hex.prefix(16))
    }

    /// A fresh key from the system's secure random generator, for the alliance CA with `caFingerprint`.
    public static func generate(caFingerprint: Hash256? = nil) -> AllianceKey {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { try! AllianceKey(secret: Array($0), caFingerprint: caFingerprint) }
    }

    /// The secret as 64 lower-case hex digits.
    public var secretHex: String {
        secret.withUnsafeBytes { try! Hash256(bytes: $0).hex }
    }

    /// Parses the text of an alliance key file.
    ///
    /// The file holds a header line, `id:` and `secret:` lines, an optional `ca:` line (the SHA-256 fingerprint of the
    /// alliance CA certificate, 64 hex digits), and `#` comments:
    /// ```
    /// hallmark-alliance-key v1
    /// # Secret: give it to alliance members only.
    /// id: k0123456789abcdef
    /// ca: <64 hex digits>
    /// secret: <64 hex digits>
    /// ```
    /// - Throws: ``HallmarkError`` `malformed` naming the line that is wrong, or the id that does not match the secret.
    public init(fileContents: String) throws {
        var sawHeader = false
        var id: String?
        var secret: Hash256?
        var caFingerprint: Hash256?
        for (number, rawLine) in fileContents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingASCIIWhitespace()
            let location = "line \(number + 1)"
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !sawHeader {
                guard line == Self.fileHeader else {
                    throw HallmarkError(
                        .malformed,
                        "not an alliance key file (expected '\(Self.fileHeader)')",
                        location: location
                    )
                }
                sawHeader = true
                continue
            }
            if line.hasPrefix("id:") {
                id = String(line.dropFirst(3)).trimmingASCIIWhitespace()
            } else if line.hasPrefix("ca:") {
                do {
                    caFingerprint = try Hash256(hex: String(line.dropFirst(3)).trimmingASCIIWhitespace())
                } catch let error as HallmarkError {
                    throw HallmarkError(.malformed, "ca: \(error.message)", location: location)
                }
            } else if line.hasPrefix("secret:") {
                do {
                    secret = try Hash256(hex: String(line.dropFirst(7)).trimmingASCIIWhitespace())
                } catch let error as HallmarkError {
                    throw HallmarkError(.malformed, "secret: \(error.message)", location: location)
                }
            } else {
                throw HallmarkError(.malformed, "unexpected line in alliance key file", location: location)
            }
        }
        guard sawHeader else { throw HallmarkError(.malformed, "empty file, not an alliance key") }
        guard let secret else { throw HallmarkError(.malformed, "no 'secret:' line in alliance key file") }
        try self.init(secret: secret.bytes, caFingerprint: caFingerprint)
        if let id, id != self.id {
            throw HallmarkError(.malformed, "key id '\(id)' does not match the secret (expected '\(self.id)')")
        }
    }

    /// The text of an alliance key file, as ``init(fileContents:)`` reads it.
    public var fileContents: String {
        var lines = [
            Self.fileHeader,
            "# SECRET. Keys every indicator digest of the alliance; give it to alliance members only.",
            "id: \(id)",
        ]
        if let caFingerprint {
            lines += [
                "# The SHA-256 fingerprint of the alliance CA certificate this key belongs to.",
                "ca: \(caFingerprint.hex)",
            ]
        }
        lines.append("secret: \(secretHex)")
        return lines.joined(separator: "\n") + "\n"
    }
}
