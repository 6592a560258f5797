import HallmarkCore
import HallmarkImage
import Testing

@Suite struct ImageHashTests {
    /// Hashes of `TestImages.synthetic` from Meta's PDQ reference (its C++ code, luma in Float as it computes it),
    /// with their quality. The 64×64 image takes the reference's shortcut that skips the blur.
    static let golden: [(width: Int, height: Int, hex: String, quality: Int)] = [
        (173, 131, "fd5413bffc4013bf13ff13bf13bf13bfec40ec40ec40ec40fc40ec40fc40ec40", 97),
        (64, 64, "b3a90fa749a9adad1532505abd4ef058b3628d87d3aa8705599d70723b35da52", 38),
        (5, 5, "61d86c5b9e27349d390e3b1e94a594a5ce739b2660d8cb723e0f349d61d83906", 59),
    ]

    @Test(arguments: golden)
    func matchesTheReferenceOnSyntheticImages(image: (width: Int, height: Int, hex: String, quality: Int)) throws {
        let rgb = TestImages.synthetic(width: image.width, height: image.height)
        let hash = try PDQHasher.hash(rgb: rgb, width: image.width, height: image.height)
        #expect(hash.hash.hex == image.hex)
        #expect(hash.quality == image.quality)
    }

    /// The Python binding of the reference computes luma in Double: these images are full of equal coefficients,
    /// so the last bit of the luma moves many bits. Given that luma, the hash is the binding's to the bit.
    @Test func matchesThePythonBindingGivenItsLuma() throws {
        let expected = [
            64: "0b6907af9bacad8d679250524d68f878ab668d25cbea87055d9d705810fcfa72",
            5: "69da64d996a51b4264d97bd83c0fce639b26348d695a69d8c6733b0e64d9318c",
        ]
        for (side, hex) in expected {
            let luma = TestImages.doubleLuma(TestImages.synthetic(width: side, height: side))
            #expect(try PDQHasher.hash(luma: luma, width: side, height: side).hash.hex == hex)
        }
    }

    @Test func sameImageSameHashAndLumaAgreesWithRGB() throws {
        let rgb = TestImages.synthetic(width: 300, height: 200)
        let first = try PDQHasher.hash(rgb: rgb, width: 300, height: 200)
        let second = try PDQHasher.hash(rgb: rgb, width: 300, height: 200)
        #expect(first == second)
        #expect(first.hash != .zero)
        #expect(first.quality > 50)
        // The same luma as the RGB path computes (Float coefficients, Float arithmetic).
        let luma = stride(from: 0, to: rgb.count, by: 3).map { i in
            Float(0.299) * Float(rgb[i]) + Float(0.587) * Float(rgb[i + 1]) + Float(0.114) * Float(rgb[i + 2])
        }
        #expect(try PDQHasher.hash(luma: luma, width: 300, height: 200) == first)
    }

    @Test func aNegativeFlipsNearlyEveryBit() throws {
        let rgb = TestImages.synthetic(width: 300, height: 200)
        let negative = rgb.map { 255 - $0 }
        let original = try PDQHasher.hash(rgb: rgb, width: 300, height: 200)
        let inverted = try PDQHasher.hash(rgb: negative, width: 300, height: 200)
        // Every AC coefficient changes sign, so each bit flips except those at the median itself.
        #expect(original.hash.distance(to: inverted.hash) > 240)
    }

    @Test func flatImageHasQualityZero() throws {
        let grey = [UInt8](repeating: 128, count: 100 * 80 * 3)
        #expect(try PDQHasher.hash(rgb: grey, width: 100, height: 80).quality == 0)
        let black = [Float](repeating: 0, count: 64 * 64)
        #expect(try PDQHasher.hash(luma: black, width: 64, height: 64).quality == 0)
    }

    @Test func imagesUnderFivePixelsGetTheZeroHash() throws {
        let rgb = TestImages.synthetic(width: 4, height: 40)
        #expect(try PDQHasher.hash(rgb: rgb, width: 4, height: 40) == ImageHash(hash: .zero, quality: 0))
    }

    @Test func hexRoundTrip() throws {
        let hash = try PDQHasher.hash(rgb: TestImages.synthetic(width: 120, height: 90), width: 120, height: 90)
        #expect(try Hash256(hex: hash.hash.hex) == hash.hash)
        #expect(try Hash256(hex: hash.hash.hex.uppercased()) == hash.hash)
        #expect(hash.description == "\(hash.hash.hex) quality \(hash.quality)")
    }

    @Test func pixelCountsMustMatchTheSize() throws {
        #expect(throws: HallmarkError.self) { try PDQHasher.hash(rgb: [1, 2, 3], width: 2, height: 1) }
        #expect(throws: HallmarkError.self) { try PDQHasher.hash(rgb: [], width: 0, height: 0) }
        #expect(throws: HallmarkError.self) { try PDQHasher.hash(rgb: [], width: .max, height: 2) }
        let error = #expect(throws: HallmarkError.self) {
            try PDQHasher.hash(luma: [0, 1, .nan, 3, 4, 5], width: 3, height: 2)
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains("at pixel 2, 0") == true)
        #expect(throws: HallmarkError.self) { try PDQHasher.hash(luma: [0, 256], width: 2, height: 1) }
    }

    /// Prints the time one megapixel takes (a debug build is many times slower than a release one).
    @Test func oneMegapixelTiming() throws {
        let rgb = TestImages.synthetic(width: 1000, height: 1000)
        let clock = ContinuousClock()
        var hash = ImageHash(hash: .zero, quality: 0)
        let elapsed = try clock.measure { hash = try PDQHasher.hash(rgb: rgb, width: 1000, height: 1000) }
        print("PDQ of 1000×1000 RGB: \(elapsed) (\(hash))")
        #expect(hash.quality > 0)
    }
}
