// swift-tools-version:5.4
// libFuzzer harnesses for every decoder of data from outside the node (see RELIABILITY.md, "Fuzzing"). Kept out of
// the main package: its targets are built with `-sanitize=fuzzer,address`. Run them with `scripts/fuzz.sh`:
//
//   swift build -c debug --package-path FuzzTesting --scratch-path .build-fuzz \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   .build-fuzz/debug/fuzz-entry FuzzTesting/Corpus/entry
//
// Each harness is an executable target `fuzz-<harness>` with one `LLVMFuzzerTestOneInput`; its seed corpus is
// `Corpus/<harness>/`. A harness treats the errors a decoder documents as fine; a trap, a sanitizer report, a
// timeout or a failed round trip (`fatalError`) is a finding.
//
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM compiles an executable's entry point as `<module>_main` (so that
// tests can link executables) and links `main` to it; with `-parse-as-library` a harness has no entry point of its
// own (libFuzzer provides `main`), and the link fails with "undefined symbol fuzz_<harness>_main".
import PackageDescription

let hallmark = "Hallmark"

func harness(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)",
        dependencies: ["FuzzSupport"] + dependencies,
        path: "Sources/\(name)"
    )
}

let package = Package(
    name: "HallmarkFuzzTesting",
    platforms: [.macOS("15.0")],
    dependencies: [
        .package(name: "Hallmark", path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // What the harnesses share: the repository's files, a blocking wait for async checks, error classification.
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "HallmarkCore", package: hallmark)],
            path: "Sources/FuzzSupport"
        ),
        harness("entry", [.product(name: "HallmarkCore", package: hallmark)]),
        harness(
            "checkpoint",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        harness(
            "cosignature",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkPKI", package: hallmark),
                .product(name: "HallmarkProtocol", package: hallmark),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        harness(
            "log-chunk",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkFederation", package: hallmark),
                .product(name: "HallmarkProtocol", package: hallmark),
                .product(name: "HallmarkRecords", package: hallmark),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        harness(
            "origin-head",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkFederation", package: hallmark),
                .product(name: "HallmarkProtocol", package: hallmark),
                .product(name: "HallmarkPKI", package: hallmark),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        harness(
            "fetch-log-request",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkFederation", package: hallmark),
                .product(name: "HallmarkProtocol", package: hallmark),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        harness(
            "evidence-bundle",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkPKI", package: hallmark),
                .product(name: "HallmarkEvidence", package: hallmark),
            ]
        ),
        harness(
            "revocation-list",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkPKI", package: hallmark),
            ]
        ),
        harness(
            "indicator-file",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkMember", package: hallmark),
            ]
        ),
        harness(
            "api-bodies",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkDocuments", package: hallmark),
            ]
        ),
        harness(
            "node-config",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkNode", package: hallmark),
            ]
        ),
        harness(
            "filter-snapshot",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        harness("identifier", [.product(name: "HallmarkCore", package: hallmark)]),
        harness(
            "stix-bundle",
            [
                .product(name: "HallmarkCore", package: hallmark),
                .product(name: "HallmarkInterchange", package: hallmark),
            ]
        ),
    ]
)
