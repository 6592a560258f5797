// swift-tools-version: 6.1
// Benchmarks for Hallmark, kept out of the main package so that its build and CI never need libbloom.
// Run them with `scripts/benchmark.sh` from the repository root.
import PackageDescription

let package = Package(
    name: "HallmarkBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Hallmark", path: "..")
    ],
    targets: [
        // libbloom, a classic Bloom filter in C (Debian's libbloom-dev), for comparison.
        .systemLibrary(
            name: "CBloom",
            providers: [.apt(["libbloom-dev"])]
        ),
        .executableTarget(
            name: "hallmark-benchmarks",
            dependencies: [
                "CBloom",
                .product(name: "HallmarkCore", package: "Hallmark"),
                .product(name: "HallmarkEvidence", package: "Hallmark"),
                .product(name: "HallmarkPKI", package: "Hallmark"),
                .product(name: "HallmarkFederation", package: "Hallmark"),
                .product(name: "HallmarkMember", package: "Hallmark"),
                .product(name: "HallmarkStore", package: "Hallmark"),
                .product(name: "HallmarkRecords", package: "Hallmark"),
                .product(name: "HallmarkDocuments", package: "Hallmark"),
                .product(name: "HallmarkReports", package: "Hallmark"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        ),
    ]
)
