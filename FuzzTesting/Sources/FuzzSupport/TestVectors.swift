import Foundation
import HallmarkCore

/// The published test vectors (Protocol/test-vectors), for harnesses that check against a fixed valid log.
public enum TestVectors {
    /// The valid entries of entries.json: the log of `acme-brand`, entries 0 to 6, as encoded bytes.
    public static let entryBytes: [[UInt8]] = {
        let vectors = json("Protocol/test-vectors/entries.json")
        guard let valid = vectors["valid"] as? [[String: Any]] else { fatalError("entries.json: no 'valid'") }
        return valid.map { hex($0["encodedHex"] as? String ?? "") }
    }()

    /// The checkpoints of checkpoints.json (of the same log, at sizes 7, 3 and 0), decoded.
    public static let checkpoints: [Checkpoint] = {
        let vectors = json("Protocol/test-vectors/checkpoints.json")
        guard let list = vectors["checkpoints"] as? [[String: Any]] else { fatalError("checkpoints.json") }
        return list.map {
            do {
                return try Checkpoint(decoding: hex($0["encodedHex"] as? String ?? ""))
            } catch {
                fatalError("checkpoints.json: \(error)")
            }
        }
    }()

    private static func json(_ path: String) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: repositoryFile(path)) as? [String: Any] else {
            fatalError("\(path) is not a JSON object")
        }
        return object
    }

    /// Bytes from lower- or upper-case hex.
    public static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: fatalError("not hex: \(text)")
            }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}
