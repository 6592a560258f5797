import Foundation

/// Small PNG files made in memory, for tests of image hashing that need a real file without any outside tool.
///
/// The encoder writes 8-bit samples, unfiltered, in zlib "stored" blocks (no compression): valid PNG that any decoder
/// reads, made in a few lines.
public enum TestImage {
    /// A `width` × `height` RGB PNG whose pixel at (x, y) is `pixel(x, y)` as (red, green, blue).
    public static func png(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) -> [UInt8] {
        var samples: [UInt8] = []
        samples.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let (red, green, blue) = pixel(x, y)
                samples += [red, green, blue]
            }
        }
        return png(width: width, height: height, color: .rgb, samples: samples)
    }

    /// A photograph-like test card: smooth gradients crossed by a few bars, so that its PDQ quality is high.
    public static func card(width: Int = 256, height: Int = 256, seed: Int = 0) -> [UInt8] {
        png(width: width, height: height) { x, y in
            let bar = ((x + seed * 37) / 32 + (y + seed * 11) / 48) % 2 == 0 ? 60 : 0
            return (
                UInt8(truncatingIfNeeded: (x * 255 / max(width - 1, 1) + bar) % 256),
                UInt8(truncatingIfNeeded: (y * 255 / max(height - 1, 1) + seed * 53) % 256),
                UInt8(truncatingIfNeeded: ((x + y) * 127 / max(width + height - 2, 1) + bar) % 256)
            )
        }
    }

    /// PNG colour types.
    public enum ColorType: UInt8 {
        case grey = 0, rgb = 2, greyAlpha = 4, rgba = 6
        public var channels: Int {
            switch self {
            case .grey: 1
            case .rgb: 3
            case .greyAlpha: 2
            case .rgba: 4
            }
        }
    }

    /// A PNG of 8-bit `samples` (`width × height × channels`, row-major), its zlib stream made of stored blocks.
    /// `declaredWidth`/`declaredHeight` override the header only, to make files that lie about their size.
    public static func png(
        width: Int,
        height: Int,
        color: ColorType,
        samples: [UInt8],
        declaredWidth: Int? = nil,
        declaredHeight: Int? = nil
    ) -> [UInt8] {
        var raw: [UInt8] = []
        let rowBytes = width * color.channels
        for y in 0..<height {
            raw.append(0)  // filter type None
            raw += samples[(y * rowBytes)..<((y + 1) * rowBytes)]
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(declaredWidth ?? width))
        header += bigEndian(UInt32(declaredHeight ?? height))
        header += [8, color.rawValue, 0, 0, 0]
        return pngSignature + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
    }

    public static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// A zlib stream of uncompressed ("stored") deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out += [
                final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF),
            ]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
