/// The part of the STIX 2.1 patterning language an indicator of a single identifier uses: one observation
/// expression of equality comparisons joined by `AND`, such as
/// `[user-account:account_type = 'shopmart' AND user-account:account_login = 'fake bags']`.
///
/// Everything else the language allows (`OR`, other operators, several observations, qualifiers such as `WITHIN`)
/// is refused with what was found, so that an import reports such patterns instead of guessing at them.
struct STIXPattern: Equatable {
    /// One `object-type:property.path = 'value'` comparison.
    struct Comparison: Equatable {
        /// The object type, such as `url` or `x-hallmark-indicator`.
        var objectType: String
        /// The property path after the colon, its steps joined by `.`, quotes removed: `hashes.PDQ`.
        var path: String
        var value: String
    }

    /// Why a pattern is not one this subset reads.
    struct Unsupported: Error, Equatable {
        var reason: String
    }

    var comparisons: [Comparison]

    /// The comparison on `objectType`'s `path` (paths compared without case; object types, lowercase in STIX, exactly), when
    /// there is one.
    func value(_ objectType: String, _ path: String) -> String? {
        comparisons.first { $0.objectType == objectType && $0.path.lowercased() == path.lowercased() }?.value
    }

    /// Parses `text`.
    /// - Throws: ``Unsupported`` saying what was found where this subset ends.
    init(parsing text: String) throws(Unsupported) {
        var scanner = Scanner(Array(text.unicodeScalars))
        scanner.skipSpace()
        guard scanner.take("[") else { throw Unsupported(reason: "a pattern starts with '['") }
        comparisons = []
        while true {
            comparisons.append(try scanner.comparison())
            scanner.skipSpace()
            if scanner.take("]") { break }
            let word = scanner.word()
            guard word == "AND" else {
                throw Unsupported(
                    reason: word.isEmpty
                        ? "unexpected '\(scanner.rest.prefix(20))' in the observation"
                        : "'\(word)' joins the comparisons; only AND of equalities is read"
                )
            }
        }
        scanner.skipSpace()
        guard scanner.atEnd else {
            throw Unsupported(
                reason: "more than one observation, or a qualifier, follows the first: '\(scanner.rest.prefix(30))'"
            )
        }
    }

    /// Reads characters of a pattern.
    private struct Scanner {
        private let scalars: [Unicode.Scalar]
        private var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { position == scalars.count }

        var rest: String { String(String.UnicodeScalarView(scalars[position...])) }

        mutating func skipSpace() {
            while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
        }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard position < scalars.count, scalars[position] == character else { return false }
            position += 1
            return true
        }

        /// Letters, digits, `_` and `-`: an object type, a property or a keyword.
        mutating func word() -> String {
            skipSpace()
            let start = position
            while position < scalars.count,
                scalars[position].properties.isAlphabetic || ("0"..."9").contains(scalars[position])
                    || scalars[position] == "_" || scalars[position] == "-"
            {
                position += 1
            }
            return String(String.UnicodeScalarView(scalars[start..<position]))
        }

        /// A quoted string, with `\'` and `\\` escapes.
        mutating func quoted() throws(Unsupported) -> String {
            guard take("'") else { throw Unsupported(reason: "expected a quoted string at '\(rest.prefix(20))'") }
            var value = String.UnicodeScalarView()
            while position < scalars.count {
                let scalar = scalars[position]
                position += 1
                if scalar == "'" { return String(value) }
                if scalar == "\\" {
                    guard position < scalars.count, scalars[position] == "'" || scalars[position] == "\\" else {
                        throw Unsupported(reason: "a string escapes only ' and \\")
                    }
                    value.append(scalars[position])
                    position += 1
                } else {
                    value.append(scalar)
                }
            }
            throw Unsupported(reason: "a string is not closed")
        }

        mutating func comparison() throws(Unsupported) -> Comparison {
            let objectType = word()
            guard !objectType.isEmpty, take(":") else {
                throw Unsupported(reason: "expected object-type:property at '\(rest.prefix(20))'")
            }
            var steps: [String] = []
            repeat {
                skipSpace()
                if position < scalars.count, scalars[position] == "'" {
                    steps.append(try quoted())
                } else {
                    let step = word()
                    guard !step.isEmpty else {
                        throw Unsupported(reason: "expected a property at '\(rest.prefix(20))'")
                    }
                    steps.append(step)
                }
            } while take(".")
            skipSpace()
            guard take("=") else {
                let found = rest.prefix(12)
                throw Unsupported(reason: "only '=' comparisons are read, found '\(found)'")
            }
            skipSpace()
            return Comparison(objectType: objectType, path: steps.joined(separator: "."), value: try quoted())
        }
    }
}
