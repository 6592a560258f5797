import Foundation

/// Images made in the tests: a synthetic picture, PNG files written byte by byte, and a small JPEG.
enum TestImages {
    /// A picture with structure in both directions: red grows left to right, green top to bottom, blue is a
    /// checkerboard of `square`-pixel squares. `pdq_reference.py` and the golden values use the same formula.
    static func synthetic(width: Int, height: Int, square: Int = 16) -> [UInt8] {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                pixels.append(UInt8(x * 255 / max(width - 1, 1)))
                pixels.append(UInt8(y * 255 / max(height - 1, 1)))
                pixels.append((x / square + y / square) % 2 == 1 ? 220 : 20)
            }
        }
        return pixels
    }

    /// Luma as `0.299 R + 0.587 G + 0.114 B` computed in Double and rounded to Float, as the Python binding of the
    /// reference computes it (the reference itself computes in Float).
    static func doubleLuma(_ rgb: [UInt8]) -> [Float] {
        stride(from: 0, to: rgb.count, by: 3).map { i in
            Float(Double(rgb[i]) * 0.299 + Double(rgb[i + 1]) * 0.587 + Double(rgb[i + 2]) * 0.114)
        }
    }

    /// A 32×32 JPEG (quality 90, 4:2:0) of `synthetic(width: 32, height: 32, square: 8)`, written by Pillow.
    static let jpeg32: [UInt8] = Array(Data(base64Encoded: jpeg32Base64)!)

    private static let jpeg32Base64 =
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYU"
        + "GBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAgACAD"
        + "ASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKB"
        + "kaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZ"
        + "mqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQF"
        + "BgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5"
        + "OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX"
        + "2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD889J8J9Pk/SvcdJ8J/d+Suy0nwn0+T9Kr6T4T+78n6V+nY3Of+IW31+s/Wf8AuHy+"
        + "z/8AA735/K1ut9OLhrP/AK7y62t89/u7HG6T4T+78le46R4T+78n6V2Wk+E/u/J+lV9I8J/d+T9K+Exuc/8AELb6/WfrP/cPl9n/AOB3vz+Vrdb6"
        + "f1fwzn/13l1tb57/AHdjidJ8J9Pk/SvcdI8J/d+T9K7PSfCf3fk/Sq2k+E/u/J+lfDY3Of8AiFt9frP1n/uHy+z/APA735/K1ut9P8veGs/+u8vv"
        + "Wt89/u7HGaR4T+78n6V7lpHhPp8n6V2Wk+E/u/J+lV9I8J/d+T9K+Exuc/8AELb6/WfrP/cPl9n/AOB3vz+Vrdb6f1hwzn/13l1tb57/AHdj/9k="
}
