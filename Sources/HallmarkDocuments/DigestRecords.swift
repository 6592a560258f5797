import HTTPTypes
import HallmarkCore
import HallmarkMember

/// The binary form of `POST /v1/check/digests`, for pipelines that hold digests: each record is a kind code byte and
/// a 32-byte digest; the answer is one status byte per record, in order (Protocol/http-api.openapi.json).
public enum DigestRecords {
    /// The bytes of one record.
    public static let recordSize = 33

    /// The kinds by code: 1 `seller`, 2 `sku`, 3 `url`, 4 `image-pdq`.
    public static let kinds: [UInt8: IndicatorKind] = [1: .seller, 2: .sku, 3: .url, 4: .imagePDQ]

    /// The status codes of the answer.
    public static func code(of status: Verdict.Status) -> UInt8 {
        switch status {
        case .notListed: 0
        case .listed: 1
        case .allowlisted: 2
        }
    }

    /// The records of `body`.
    /// - Throws: ``APIProblem`` `400` naming the record when the body is not whole records or a kind code is unknown,
    ///   `413` past ``APILimits/maximumBatch`` records.
    public static func decode(_ body: some Collection<UInt8>) throws -> [(kind: IndicatorKind, digest: Hash256)] {
        guard body.count.isMultiple(of: recordSize) else {
            throw APIProblem(
                .badRequest,
                code: HallmarkError.Code.malformed.name,
                detail: "the body is \(body.count) bytes, not a whole number of \(recordSize)-byte records "
                    + "(a kind code and a 32-byte digest each)"
            )
        }
        let count = body.count / recordSize
        guard count <= APILimits.maximumBatch else { throw APIProblem.batchTooLarge("records", count: count) }
        // One contiguous copy, read in place: a batch is 10 000 records.
        return try Array(body).withUnsafeBytes { bytes in
            var lookups: [(kind: IndicatorKind, digest: Hash256)] = []
            lookups.reserveCapacity(count)
            for position in 0..<count {
                let start = position * recordSize
                guard let kind = kindsByCode[Int(truncatingIfNeeded: bytes[start])] else {
                    throw APIProblem(
                        .badRequest,
                        code: HallmarkError.Code.unknownKind.name,
                        detail: "record \(position): kind code \(bytes[start]) is not one of 1 (seller), 2 (sku), "
                            + "3 (url), 4 (image-pdq)",
                        field: "records[\(position)]"
                    )
                }
                let digest = UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<(start + recordSize)])
                lookups.append((kind, try Hash256(bytes: digest)))
            }
            return lookups
        }
    }

    /// ``kinds`` indexed by code, all 256 of them.
    private static let kindsByCode: [IndicatorKind?] = (0...255).map { kinds[UInt8(truncatingIfNeeded: $0)] }
}
