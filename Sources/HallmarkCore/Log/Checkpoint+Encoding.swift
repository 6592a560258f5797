extension Checkpoint {
    /// The checkpoint's bytes for storage and transfer: the version byte 0x01, the body's length as 2 big-endian
    /// bytes, the ``signedBody``, the signature's length as 1 byte, the DER signature.
    public func encoded() -> [UInt8] {
        let body = signedBody
        var writer = LogByteWriter(capacity: 4 + body.count + signature.count)
        writer.byte(Self.formatVersion)
        writer.uint16(UInt16(body.count))
        writer.raw(body)
        writer.byte(UInt8(signature.count))
        writer.raw(signature)
        return writer.bytes
    }

    /// Decodes a checkpoint written by ``encoded()``; the signature is not verified (see ``verifySignature(using:)``).
    ///
    /// The body must be exactly the text ``signedBody`` renders for its fields (no extra spaces, leading zeros
    /// or upper-case hex), the signature canonical DER, and nothing may follow it.
    /// - Parameter bytes: The encoded checkpoint, at most ``maxEncodedSize`` bytes.
    /// - Throws: ``HallmarkError`` `malformed` naming the part that is wrong.
    public init(decoding bytes: some Collection<UInt8>) throws {
        guard bytes.count <= Self.maxEncodedSize else {
            throw HallmarkError(
                .malformed,
                "checkpoint is \(bytes.count) bytes; at most \(Self.maxEncodedSize) are allowed"
            )
        }
        let (body, signature) = try Array(bytes).withUnsafeBufferPointer { buffer in
            var reader = LogByteReader(buffer, what: "checkpoint")
            let version = try reader.byte("version")
            guard version == Self.formatVersion else {
                throw HallmarkError(
                    .malformed,
                    "checkpoint format version \(version) is not supported (this node reads version \(Self.formatVersion))",
                    location: "version"
                )
            }
            let bodyLength = Int(try reader.uint16("body"))
            guard bodyLength <= Self.maxBodyBytes else {
                throw HallmarkError(
                    .malformed,
                    "checkpoint body is \(bodyLength) bytes; at most \(Self.maxBodyBytes) are allowed",
                    location: "body"
                )
            }
            let body = Array(try reader.bytes(bodyLength, "body"))
            let signatureLength = Int(try reader.byte("signature"))
            guard signatureLength <= Self.maxSignatureBytes else {
                throw HallmarkError(
                    .malformed,
                    "signature is \(signatureLength) bytes; at most \(Self.maxSignatureBytes) are allowed",
                    location: "signature"
                )
            }
            let signature = Array(try reader.bytes(signatureLength, "signature"))
            try reader.finish()
            return (body, signature)
        }
        let (origin, treeSize, rootHash, time) = try Self.parseBody(body)
        do {
            try self.init(origin: origin, treeSize: treeSize, rootHash: rootHash, time: time, signature: signature)
        } catch var error as HallmarkError {
            error.code = .malformed
            throw error
        }
    }

    /// Reads the fields of a ``signedBody`` and insists that they render back to the same bytes.
    private static func parseBody(_ body: [UInt8]) throws -> (MemberID, UInt64, Hash256, Timestamp) {
        func malformed(_ why: String) -> HallmarkError {
            HallmarkError(.malformed, "checkpoint body \(why)", location: "body")
        }
        guard let text = String(validating: body, as: UTF8.self) else { throw malformed("is not UTF-8") }
        guard text.hasSuffix("\n") else { throw malformed("does not end with a line feed") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[0] == bodyHeader else {
            throw malformed("is not five lines starting with '\(bodyHeader)'")
        }
        func value(_ line: Int, _ key: String) throws -> String {
            let prefix = key + " "
            guard lines[line].hasPrefix(prefix) else {
                throw malformed("line \(line + 1) does not start with '\(prefix)'")
            }
            return String(lines[line].dropFirst(prefix.count))
        }
        let origin: MemberID
        do {
            origin = try MemberID(try value(1, "origin"))
        } catch let error as HallmarkError where error.code == .invalidValue {
            throw malformed("origin: \(error.message)")
        }
        guard let treeSize = UInt64(try value(2, "size")) else { throw malformed("size is not a decimal number") }
        let rootHash: Hash256
        do {
            rootHash = try Hash256(hex: try value(3, "root"))
        } catch let error as HallmarkError where error.code == .invalidValue {
            throw malformed("root: \(error.message)")
        }
        guard let milliseconds = Int64(try value(4, "time")) else { throw malformed("time is not a decimal number") }
        let time = Timestamp(millisecondsSince1970: milliseconds)
        guard Self.body(origin: origin, treeSize: treeSize, rootHash: rootHash, time: time) == body else {
            throw malformed("is not in canonical form (leading zeros, signs or upper-case hex)")
        }
        return (origin, treeSize, rootHash, time)
    }
}
