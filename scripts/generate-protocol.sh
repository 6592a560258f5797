#!/usr/bin/env bash
# Generates the Swift code in Sources/HallmarkProtocol/ from Protocol/hallmark/v1/*.proto.
# Run it by hand after changing a .proto, then commit the output: the normal build never runs a
# generator. Pinned plugin versions make the output byte-identical from run to run.
# Needs protoc (Debian: apt-get install protobuf-compiler). The plugins are built from a scratch
# package in .build-protoc/ (gitignored); the first run takes several minutes.
set -euo pipefail

SWIFT_PROTOBUF_VERSION=1.39.0
GRPC_SWIFT_PROTOBUF_VERSION=2.4.1

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/.build-protoc"
out="$root/Sources/HallmarkProtocol"

if ! command -v protoc >/dev/null; then
    echo "error: protoc not found; install it (Debian: apt-get install protobuf-compiler)" >&2
    exit 2
fi

shopt -s nullglob
protos=("$root"/Protocol/hallmark/v1/*.proto)
if [ ${#protos[@]} -eq 0 ]; then
    echo "error: no .proto files in $root/Protocol/hallmark/v1" >&2
    exit 2
fi

# The scratch package exists only to build the two protoc plugins at the pinned versions.
mkdir -p "$scratch/plugins/Sources/Placeholder"
cat >"$scratch/plugins/Package.swift" <<EOF
// swift-tools-version: 6.1
// Written by scripts/generate-protocol.sh: builds the protoc plugins at pinned versions.
import PackageDescription

let package = Package(
    name: "HallmarkProtocPlugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "$SWIFT_PROTOBUF_VERSION"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "$GRPC_SWIFT_PROTOBUF_VERSION"),
    ],
    targets: [.target(name: "Placeholder", path: "Sources/Placeholder")]
)
EOF
echo "// Placeholder so the scratch package has a target." >"$scratch/plugins/Sources/Placeholder/Placeholder.swift"

echo "Building protoc-gen-swift $SWIFT_PROTOBUF_VERSION and protoc-gen-grpc-swift-2 $GRPC_SWIFT_PROTOBUF_VERSION…" >&2
swift build --package-path "$scratch/plugins" --product protoc-gen-swift >&2
swift build --package-path "$scratch/plugins" --product protoc-gen-grpc-swift-2 >&2
bin="$(swift build --package-path "$scratch/plugins" --show-bin-path)"

# Generate into a fresh folder, then replace only the generated files in the target.
staging="$scratch/out"
rm -rf "$staging"
mkdir -p "$staging"
cd "$root/Protocol"
protoc \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
    --swift_opt=Visibility=Public \
    --swift_opt=FileNaming=DropPath \
    --swift_out="$staging" \
    --grpc-swift-2_opt=Visibility=Public \
    --grpc-swift-2_opt=FileNaming=DropPath \
    --grpc-swift-2_out="$staging" \
    -I . \
    hallmark/v1/*.proto

mkdir -p "$out"
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
cp "$staging"/*.swift "$out"/
echo "Generated:" >&2
ls -1 "$out" >&2
