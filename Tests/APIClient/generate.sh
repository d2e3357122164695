#!/usr/bin/env bash
# Regenerates the public API's client (Tests/APIClient/Generated) from openapi.yaml with
# swift-openapi-generator, and records the document's SHA-256 beside it; a test fails when the
# document changes and this has not been run. Run it after editing openapi.yaml:
#   bash Tests/APIClient/generate.sh
# The generator is built once into .build-openapi-generator (a package of its own), so that the
# project itself does not build it on every `make run`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TOOL=.build-openapi-generator
mkdir -p "$TOOL"
cat > "$TOOL/Package.swift" <<'PACKAGE'
// swift-tools-version: 6.1
import PackageDescription
let package = Package(name: "generator", dependencies: [.package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "1.14.3")])
PACKAGE
swift build --package-path "$TOOL" --product swift-openapi-generator >&2
GENERATOR=$(swift build --package-path "$TOOL" --show-bin-path)/swift-openapi-generator
SPEC=Services/APIIngress/Sources/HTTP/openapi.yaml
OUT=Tests/APIClient/Generated
rm -rf "$OUT"
mkdir -p "$OUT"
"$GENERATOR" generate --config Tests/APIClient/openapi-generator-config.yaml --output-directory "$OUT" "$SPEC"
rm -f "$OUT/Server.swift"
sha256sum "$SPEC" | cut -d' ' -f1 > "$OUT/openapi.sha256"
echo "generated $OUT from $SPEC ($(cat "$OUT/openapi.sha256"))"
