import Foundation

/// iperf3-style unit formatting: sizes in 1024s, rates in 1000s.
enum HostUnits {
  /// `6.00 MiB`, `208 KiB`, `512 B`.
  static func bytes(_ value: Double) -> String {
    scaled(value, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB"])
  }

  /// `20.0 Gbits/sec`, `940 Mbits/sec`.
  static func bitrate(_ bitsPerSecond: Double) -> String {
    scaled(
      bitsPerSecond, base: 1000,
      units: ["bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"])
  }

  /// A duration in milliseconds, e.g. `1 ms`, `0.25 ms`.
  static func milliseconds(_ seconds: Double) -> String {
    let ms = seconds * 1000
    let text =
      ms == ms.rounded() ? String(format: "%.0f", ms) : String(format: "%.3g", ms)
    return text + " ms"
  }

  /// Like iperf3's units, without padding, and whole numbers below the
  /// first step printed without decimals (`512 B`).
  private static func scaled(_ value: Double, base: Double, units: [String]) -> String {
    if value < base && value == value.rounded() {
      return String(format: "%.0f", value) + " " + units[0]
    }
    return Units.scaled(value, base: base, suffixes: units, width: 0)
  }
}
