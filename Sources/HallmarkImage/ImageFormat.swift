/// An image file format, told by the bytes a file starts with (never by its name).
public enum ImageFormat: String, Sendable, CaseIterable {
    /// JPEG (JFIF, Exif, Adobe): `FF D8 FF`.
    case jpeg = "JPEG"
    /// PNG: `89 50 4E 47 0D 0A 1A 0A`.
    case png = "PNG"

    /// The format whose signature `bytes` start with, or `nil` for any other.
    public init?(signatureOf bytes: some Collection<UInt8>) {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else {
            return nil
        }
    }

    /// Why `bytes`, which are not a JPEG or PNG, are refused: their first bytes in hex (and as text when they are
    /// printable), and the format they look like when it is a common one, so that the person can convert the file.
    static func refusal(of bytes: some Collection<UInt8>) -> String {
        let head = Array(bytes.prefix(8))
        let hex = head.map { byte in (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true) }.joined(
            separator: " "
        )
        var start = "starts with \(hex)"
        if head.allSatisfy({ (0x20..<0x7F).contains($0) }) {
            start += " \"\(String(decoding: head, as: UTF8.self))\""
        }
        let hint = lookalike(Array(bytes.prefix(12))).map { "; it looks like \($0): convert it to PNG or JPEG" } ?? ""
        return "not a JPEG or PNG image (\(start))\(hint)"
    }

    /// A common format other than JPEG and PNG, by its signature.
    private static func lookalike(_ head: [UInt8]) -> String? {
        func starts(_ text: String, at offset: Int = 0) -> Bool {
            head.dropFirst(offset).starts(with: Array(text.utf8))
        }
        if starts("GIF87a") || starts("GIF89a") { return "a GIF image" }
        if starts("RIFF") && starts("WEBP", at: 8) { return "a WebP image" }
        if starts("BM") { return "a BMP image" }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return "a TIFF image"
        }
        if starts("ftypheic", at: 4) || starts("ftypheix", at: 4) || starts("ftypmif1", at: 4) {
            return "a HEIC image"
        }
        if starts("ftypavif", at: 4) { return "an AVIF image" }
        if starts("%PDF") { return "a PDF document" }
        if starts("<") || starts("\u{FEFF}<") { return "an HTML, XML or SVG document" }
        return nil
    }
}
