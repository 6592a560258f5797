// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Hallmark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hallmark", targets: ["hallmark"]),
        .library(name: "HallmarkCore", targets: ["HallmarkCore"]),
        .library(name: "HallmarkPKI", targets: ["HallmarkPKI"]),
        .library(name: "HallmarkStore", targets: ["HallmarkStore"]),
        .library(name: "HallmarkMember", targets: ["HallmarkMember"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // Pure model: kinds, normalization, digests, entries, Merkle log, checkpoints, Bloom filter. No I/O.
        .target(
            name: "HallmarkCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        // Alliance CA, member certificates, credential files, verification against the CA.
        .target(
            name: "HallmarkPKI",
            dependencies: [
                "HallmarkCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: upcoming
        ),
        // SQLite persistence, migrations, the folded indicator state and the filter it feeds.
        .target(
            name: "HallmarkStore",
            dependencies: [
                "HallmarkCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // A member's operations: identity, submit, import, retract, dispute, check, audit, receive a peer's log.
        .target(
            name: "HallmarkMember",
            dependencies: [
                "HallmarkCore",
                "HallmarkPKI",
                "HallmarkStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Command line: argument parsing and output only.
        .executableTarget(
            name: "hallmark",
            dependencies: [
                "HallmarkCore",
                "HallmarkPKI",
                "HallmarkMember",
                "HallmarkStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Shared by the test targets: the development alliance, nodes made from it, relaying logs between them.
        .target(
            name: "HallmarkTestSupport",
            dependencies: [
                "HallmarkCore", "HallmarkMember", "HallmarkStore", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/HallmarkTestSupport",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "HallmarkCoreTests",
            dependencies: ["HallmarkCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "HallmarkPKITests",
            dependencies: ["HallmarkPKI", "HallmarkCore", .product(name: "X509", package: "swift-certificates")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "HallmarkStoreTests",
            dependencies: ["HallmarkStore", "HallmarkCore"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "HallmarkMemberTests",
            dependencies: ["HallmarkMember", "HallmarkStore", "HallmarkPKI", "HallmarkCore", "HallmarkTestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "HallmarkCLITests",
            dependencies: [
                "hallmark", "HallmarkMember", "HallmarkStore", "HallmarkCore", "HallmarkTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
