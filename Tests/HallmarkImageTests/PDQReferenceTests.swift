import Foundation
import HallmarkCore
import HallmarkImage
import HallmarkTestSupport
import Testing

/// Agreement with Meta's PDQ reference (the `pdqhash` Python package) on scikit-image's sample photographs, written
/// as files by `pdq_reference.py`, and the near-match property on HallmarkImage's own hashes.
@Suite struct PDQReferenceTests {
    /// The PDQ specification's match threshold, the default of a node's `image_match_distance`.
    static let matchThreshold = 31

    struct Reference: Decodable {
        struct File: Decodable {
            var name: String
            var photo: String
            var variant: String
            var hash: String
            var quality: Int
        }
        struct Synthetic: Decodable {
            var width: Int
            var height: Int
            var hash: String
            var quality: Int
        }
        var files: [File]
        var synthetic: [Synthetic]
    }

    /// Lossless files hold exactly the pixels the reference hashed; JPEG decoders may round a few differently.
    static let maximumJPEGDistance = 4

    @Test func matchesTheReferenceAndKeepsNearMatchesNear() async throws {
        guard ExternalTool.pythonPDQ.shouldRun else { return }
        try ExternalTool.pythonPDQ.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-pdq-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await ExternalTool.run(
            "python3",
            ["Tests/HallmarkImageTests/pdq_reference.py", folder.path],
            timeout: 300
        )
        try #require(run.status == 0, "pdq_reference.py failed:\n\(run.output)")
        let json = try Data(contentsOf: folder.appendingPathComponent("reference.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: json)
        try #require(reference.files.count >= 40)

        let hasher = ImageHasher()
        var ours: [String: ImageHash] = [:]
        print("file                               distance  quality (ours/reference)")
        for file in reference.files {
            let hash = try hasher.hash(fileAt: folder.appendingPathComponent(file.name).path)
            ours[file.name] = hash
            let expected = ImageHash(hash: try Hash256(hex: file.hash), quality: file.quality)
            let distance = hash.hash.distance(to: expected.hash)
            let padded = file.name.padding(toLength: 36, withPad: " ", startingAt: 0)
            print("\(padded)\(distance)  \(hash.quality)/\(file.quality)")
            if file.name.hasSuffix(".png") {
                #expect(distance == 0, "\(file.name): \(hash) against the reference's \(expected)")
            } else {
                #expect(distance <= Self.maximumJPEGDistance, "\(file.name): \(hash) against \(expected)")
            }
            #expect(abs(hash.quality - file.quality) <= 2, "\(file.name): quality \(hash.quality) vs \(file.quality)")
        }

        // The binding computes luma in Double: given the same luma, the same bits, even on tie-heavy images.
        for synthetic in reference.synthetic {
            let rgb = TestImages.synthetic(width: synthetic.width, height: synthetic.height)
            let luma = TestImages.doubleLuma(rgb)
            let hash = try PDQHasher.hash(luma: luma, width: synthetic.width, height: synthetic.height)
            #expect(hash.hash.hex == synthetic.hash, "synthetic \(synthetic.width)×\(synthetic.height)")
            #expect(hash.quality == synthetic.quality)
        }

        // Near matches: each transformed copy stays within the threshold of its original.
        let originals = reference.files.filter { $0.variant == "png" }
        let copies = reference.files.filter { ["jpeg", "half", "jpeg70", "bright"].contains($0.variant) }
        print("copy                               distance to its original (threshold \(Self.matchThreshold))")
        for copy in copies {
            let original = try #require(originals.first { $0.photo == copy.photo })
            let distance = try #require(ours[copy.name]).hash.distance(to: try #require(ours[original.name]).hash)
            print("\(copy.name.padding(toLength: 36, withPad: " ", startingAt: 0))\(distance)")
            #expect(distance <= Self.matchThreshold, "\(copy.name) is \(distance) bits from \(original.name)")
        }

        // Different photographs stay apart.
        var closest = Int.max
        for (i, a) in originals.enumerated() {
            for b in originals[(i + 1)...] {
                let distance = try #require(ours[a.name]).hash.distance(to: try #require(ours[b.name]).hash)
                closest = min(closest, distance)
                print("\(a.photo) / \(b.photo): \(distance)")
                #expect(distance > Self.matchThreshold, "\(a.name) and \(b.name) are \(distance) bits apart")
            }
        }
        print("closest pair of different photographs: \(closest) bits")
    }
}
