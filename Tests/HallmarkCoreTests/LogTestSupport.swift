import Foundation
import HallmarkCore
import Testing

/// Helpers and vector file models shared by the log tests.
enum LogTestSupport {
    /// Expects `body` to throw a ``HallmarkError`` with `code` (and, when given, `location`), and returns it.
    @discardableResult
    static func expectError<R>(
        _ code: HallmarkError.Code,
        location: String?? = nil,
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> R
    ) -> HallmarkError? {
        let error = #expect(throws: HallmarkError.self, comment, sourceLocation: sourceLocation) { _ = try body() }
        guard let error else { return nil }
        #expect(error.code == code, comment, sourceLocation: sourceLocation)
        if let location {
            #expect(error.location == location, comment, sourceLocation: sourceLocation)
        }
        return error
    }

    /// The folder holding `Package.swift`, found by walking up from this file.
    static func repositoryRoot(from file: String = #filePath) throws -> URL {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder.deleteLastPathComponent()
        }
        throw HallmarkError(.fileProblem, "no Package.swift above \(file)")
    }

    /// Decodes `Protocol/test-vectors/<name>`.
    static func vectors<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let url = try repositoryRoot().appendingPathComponent("Protocol/test-vectors/\(name)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static func bytes(hex: String) -> [UInt8] {
        precondition(hex.utf8.count.isMultiple(of: 2), "odd hex length")
        var out: [UInt8] = []
        var high: UInt8?
        for c in hex.utf8 {
            let nibble: UInt8 =
                switch c {
                case 0x30...0x39: c - 0x30
                case 0x61...0x66: c - 0x61 + 10
                case 0x41...0x46: c - 0x41 + 10
                default: preconditionFailure("not hex: \(hex)")
                }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func hash(_ hex: String) -> Hash256 {
        try! Hash256(hex: hex)
    }

    /// A deterministic generator so random tests can be reproduced from their seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            // SplitMix64.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomHash(using generator: inout SeededGenerator) -> Hash256 {
        Hash256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
    }

    /// MTH(D[n]) straight from RFC 9162's recursive definition: the oracle for the tree's fast paths.
    static func referenceRoot(_ leaves: ArraySlice<Hash256>) -> Hash256 {
        switch leaves.count {
        case 0: return MerkleHash.emptyRoot
        case 1: return leaves.first!
        default:
            var k = 1
            while k * 2 < leaves.count { k *= 2 }
            let split = leaves.startIndex + k
            return MerkleHash.node(referenceRoot(leaves[..<split]), referenceRoot(leaves[split...]))
        }
    }

    // MARK: Vector files

    struct EntryVectors: Decodable {
        struct Valid: Decodable {
            var origin: String
            var index: UInt64
            var time: String
            var timeMs: Int64
            var action: String
            var kind: String
            var digest: String
            var keyID: String
            var confidence: UInt8
            var reason: String
            var expires: String?
            var expiresMs: Int64?
            var note: String
            var disputedOrigin: String?
            var encodedHex: String
            var leafHash: String
        }
        struct Invalid: Decodable {
            var description: String
            var encodedHex: String
            var field: String?
        }
        var valid: [Valid]
        var invalid: [Invalid]
    }

    struct MerkleVectors: Decodable {
        struct Inclusion: Decodable {
            var leafIndex: UInt64
            var treeSize: UInt64
            var path: [String]
        }
        struct Consistency: Decodable {
            var oldSize: UInt64
            var newSize: UInt64
            var path: [String]
        }
        struct Entries: Decodable {
            var leafHashes: [String]
            var roots: [String]
            var inclusionProofs: [Inclusion]
            var consistencyProofs: [Consistency]
            var frontiers: [String]
        }
        struct Reference: Decodable {
            var leafInputs: [String]
            var roots: [String]
            var inclusionProofs: [Inclusion]
            var consistencyProofs: [Consistency]
            var nodeHashes: [[String]]
            var compactRanges: [[String]]
        }
        var entries: Entries
        var reference: Reference
    }

    struct CheckpointVectors: Decodable {
        struct TestKey: Decodable {
            var privateKeyRawHex: String
            var publicKeyPEM: String
            var publicKeyX963Hex: String
        }
        struct Item: Decodable {
            var origin: String
            var treeSize: UInt64
            var rootHash: String
            var timeMs: Int64
            var signedBody: String
            var signatureHex: String
            var encodedHex: String
        }
        var testKey: TestKey
        var checkpoints: [Item]
    }

    /// The leaf hashes of the published reference tree.
    static func referenceLeafHashes(_ vectors: MerkleVectors) -> [Hash256] {
        vectors.reference.leafInputs.map { MerkleHash.leaf(bytes(hex: $0)) }
    }
}

extension LogTestSupport.Inclusion {
    var proof: InclusionProof {
        InclusionProof(leafIndex: leafIndex, treeSize: treeSize, path: path.map(LogTestSupport.hash))
    }
}

extension LogTestSupport.Consistency {
    var proof: ConsistencyProof {
        ConsistencyProof(oldSize: oldSize, newSize: newSize, path: path.map(LogTestSupport.hash))
    }
}

extension LogTestSupport {
    typealias Inclusion = MerkleVectors.Inclusion
    typealias Consistency = MerkleVectors.Consistency
}
