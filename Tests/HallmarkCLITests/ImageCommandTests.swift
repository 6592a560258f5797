import Foundation
import HallmarkTestSupport
import Testing

@Suite("hallmark hash-image, check --image and --max-distance, quality on submit and import, the node's image settings")
struct ImageCommandTests {
    /// The first 64 hex digits of `hash` with its first digit changed by `xor` (so up to 4 bits apart).
    static func near(_ hash: String, xor: UInt8) -> String {
        let first = UInt8(hash.prefix(1), radix: 16)! ^ xor
        return String(first, radix: 16) + hash.dropFirst()
    }

    @Test("hash an image, submit its hash with its quality, and check the image and near hashes of it")
    func hashSubmitCheck() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let photo = try cli.write("photo.png", Data(TestImage.card()))
        let other = try cli.write("other.png", Data(TestImage.card(seed: 5)))
        let broken = try cli.write("broken.png", Data("not an image".utf8))

        let hashed = try await cli.run(["hash-image", photo, broken, other])
        #expect(hashed.status == 2, "a file that cannot be hashed makes the status 2")
        #expect(hashed.stderr.contains("broken.png"))
        #expect(hashed.stderr.contains("not a JPEG or PNG"))
        let lines = hashed.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(lines.count == 2, "the other files are still hashed")
        #expect(lines.map { $0[2] } == [photo, other])
        let hash = lines[0][0]
        let quality = try #require(Int(lines[0][1]))
        #expect(hash.count == 64)
        #expect(quality >= 50)
        let json = try await cli.succeed(["hash-image", "--json", photo])
        let documents = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        )
        #expect(documents.first?["hash"] as? String == hash)
        #expect(documents.first?["kind"] as? String == "image-pdq")

        try await cli.succeed(["submit", "--data", cli.data, "image-pdq", hash, "--quality", "\(quality)"])
        let image = try await cli.run(["check", "--data", cli.data, "--image", photo])
        #expect(image.status == 0)
        #expect(image.stdout.contains("matches \(hash), 0 of 256 bits apart"))
        // The matched hash is audited as any indicator: its entry, checkpoint and proof.
        let audit = try await cli.succeed(["audit", "--data", cli.data, "image-pdq", hash])
        #expect(audit.stdout.contains("brand-a"))
        #expect(try await cli.run(["check", "--data", cli.data, "--image", other]).status == 1)

        let near = Self.near(hash, xor: 0b0111)
        let nearby = try await cli.run(["check", "--data", cli.data, "image-pdq", near])
        #expect(nearby.status == 0)
        #expect(nearby.stdout.contains("matches \(hash), 3 of 256 bits apart"))
        #expect(try await cli.run(["check", "--data", cli.data, "image-pdq", near, "--max-distance", "2"]).status == 1)
        let tooFar = try await cli.run(["check", "--data", cli.data, "image-pdq", near, "--max-distance", "33"])
        #expect(tooFar.status != 0 && tooFar.status != 1)
        #expect(tooFar.stderr.contains("--max-distance must be from 0 to 32"))
    }

    @Test("quality below the floor is refused, on submit and in an import file, naming the hash; nothing is stored")
    func qualityFloor() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let weak = String(repeating: "ab", count: 32)
        let refused = try await cli.run(["submit", "--data", cli.data, "image-pdq", weak, "--quality", "30"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("has quality 30, below this node's floor of 50"))
        let file = try cli.write(
            "images.csv",
            Data("kind,value,quality\nimage-pdq,\(String(repeating: "cd", count: 32)),90\nimage-pdq,\(weak),12\n".utf8)
        )
        let imported = try await cli.run(["import", "--data", cli.data, file])
        #expect(imported.status == 2)
        #expect(imported.stderr.contains("quality 12"))
        let wrongKind = try cli.write("sellers.csv", Data("kind,value,quality\nseller,shop:one,90\n".utf8))
        let mistaken = try await cli.run(["import", "--data", cli.data, wrongKind])
        #expect(mistaken.status == 2)
        #expect(mistaken.stderr.contains("sellers.csv:2"))
        #expect(mistaken.stderr.contains("a quality goes with image-pdq hashes only"))
        #expect(try await cli.status()["own_log_size"] as? Int == 0)
    }

    @Test("a node's image_match_distance and image_quality_floor apply to what goes through it")
    func nodeSettings() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let listed = String(repeating: "5a", count: 32)
        try await cli.succeed(["submit", "--data", cli.data, "image-pdq", listed])
        let config = try cli.write("node.json", Data(#"{"image_match_distance": 2, "image_quality_floor": 60}"#.utf8))
        let (node, _) = try await ControlSocketTests.startNode(on: cli.data, in: cli, arguments: ["--config", config])
        defer { _ = node.stop() }
        let near = Self.near(listed, xor: 0b0111)  // 3 bits apart
        let narrow = try await cli.run(
            ["check", "--data", cli.data, "image-pdq", near],
            environment: ControlSocketTests.info
        )
        #expect(narrow.stderr.contains(ControlSocketTests.throughNode))
        #expect(narrow.status == 1, "the node matches within 2 bits only")
        #expect(try await cli.run(["check", "--data", cli.data, "image-pdq", near, "--max-distance", "3"]).status == 0)
        let refused = try await cli.run(["submit", "--data", cli.data, "image-pdq", near, "--quality", "55"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("below this node's floor of 60"))
        try await cli.succeed(["submit", "--data", cli.data, "image-pdq", near, "--quality", "60"])
    }

    @Test("listed photographs are found from their resized, recompressed and brightened copies; others are not")
    func photographs() async throws {
        guard ExternalTool.pythonPDQ.shouldRun else { return }
        try ExternalTool.pythonPDQ.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let folder = cli.folder.appendingPathComponent("photos")
        // scikit-image's sample photographs with copies made by Pillow: PHOTO.png, PHOTO-half.png (half the size),
        // PHOTO-q70.jpg (JPEG quality 70), PHOTO-bright.png (25 % brighter).
        let run = try await ExternalTool.run(
            "python3",
            ["Tests/HallmarkImageTests/pdq_reference.py", folder.path],
            timeout: 300
        )
        try #require(run.status == 0, "pdq_reference.py failed:\n\(run.output)")
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let listed = ["astronaut", "coffee", "chelsea", "rocket"]
        let unlisted = ["camera", "immunohistochemistry", "hubble_deep_field", "coins"]

        // What a member does: hash its photographs, then import the hashes with their quality.
        let hashed = try await cli.succeed(["hash-image"] + listed.map { path("\($0).png") })
        var rows = ["kind,value,quality,note"]
        var originals: [String: String] = [:]
        for (photo, line) in zip(listed, hashed.stdout.split(separator: "\n")) {
            let fields = line.split(separator: ",")
            originals[photo] = String(fields[0])
            rows.append("image-pdq,\(fields[0]),\(fields[1]),\(photo)")
        }
        let file = try cli.write("photos.csv", Data((rows.joined(separator: "\n") + "\n").utf8))
        try await cli.succeed(["import", "--data", cli.data, file])

        print("copy checked                 matched original                 distance")
        for photo in listed {
            for variant in ["half.png", "q70.jpg", "bright.png"] {
                let copy = "\(photo)-\(variant)"
                let checked = try await cli.run(["check", "--data", cli.data, "--image", path(copy), "--json"])
                #expect(checked.status == 0, "\(copy) should match \(photo): \(checked.stdout)\(checked.stderr)")
                let verdict = try #require(
                    try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any]
                )
                let matches = try #require(verdict["matches"] as? [[String: Any]])
                #expect(matches.first?["digest"] as? String == originals[photo], "\(copy)")
                let distance = try #require(matches.first?["distance"] as? Int)
                #expect(distance <= 31)
                #expect((matches.first?["origins"] as? [[String: Any]])?.first?["note"] as? String == photo)
                print(
                    "\(copy.padding(toLength: 29, withPad: " ", startingAt: 0))\(photo.padding(toLength: 33, withPad: " ", startingAt: 0))\(distance)"
                )
            }
        }
        for photo in unlisted {
            for name in ["\(photo).png", "\(photo)-half.png", "\(photo)-q70.jpg", "\(photo)-bright.png"] {
                let checked = try await cli.run(["check", "--data", cli.data, "--image", path(name)])
                #expect(checked.status == 1, "\(name) matched a listed photograph: \(checked.stdout)")
            }
        }
    }
}
