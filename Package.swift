// swift-tools-version: 6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "bondperf",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "bondperf", targets: ["bondperf"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
  ],
  targets: [
    .target(name: "CBondPerfLinux"),
    // The system's OpenSSL libcrypto, for iperf3's RSA authentication (scripts/setup
    // installs libssl-dev); the same library, and the same paddings, iperf3 uses.
    .systemLibrary(
      name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .target(
      name: "BondPerfCore",
      dependencies: [
        "CBondPerfLinux", "COpenSSL",
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "bondperf",
      dependencies: [
        "BondPerfCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),
    // Corpus replayer; with -D FUZZING (scripts/fuzz) the libFuzzer target.
    .executableTarget(
      name: "bondperf-fuzz",
      dependencies: ["BondPerfCore"],
      swiftSettings: swiftSettings),
    // Unit tests, real-kernel socket tests and in-process engine tests (no child processes).
    .testTarget(
      name: "BondPerfCoreTests",
      dependencies: ["BondPerfCore"],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings),
    // Spawns the built binaries (and iperf3): CLI, loopback end-to-end and testbed tests.
    // scripts/test runs it after BondPerfCoreTests, so a unit failure is reported first.
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "bondperf", "BondPerfCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),
  ],
  swiftLanguageModes: [.v6]
)
