import Synchronization

/// iperf3's `-f/--format [kmgtKMGT]`: the unit of the text report's rate column.
/// Lowercase letters are bits in 1000s, uppercase bytes in 1024s; `a`/`A` (the
/// default `a`) pick the unit by size. Transfer columns stay adaptive, as in iperf3.
public enum RateFormat {
  private static let letter = Atomic<UInt8>(UInt8(ascii: "a"))

  /// The letters `-f` takes.
  public static let letters = "aAkmgtKMGT"

  /// Sets the format; false for a letter iperf3 doesn't take.
  @discardableResult
  public static func set(_ text: String) -> Bool {
    guard text.count == 1, let byte = text.utf8.first, letters.utf8.contains(byte) else {
      return false
    }
    letter.store(byte, ordering: .relaxed)
    return true
  }

  /// The rate `bitsPerSecond` in the format in force, e.g. `940 Mbits/sec`, `112 MBytes/sec`.
  static func text(bitsPerSecond value: Double) -> String? {
    text(bitsPerSecond: value, format: Character(Unicode.Scalar(letter.load(ordering: .relaxed))))
  }

  /// The rate in format `format` (one of ``letters``); nil for `a`, the adaptive default.
  static func text(bitsPerSecond value: Double, format: Character) -> String? {
    if format == "a" { return nil }
    let bits = ["bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"]
    let bytes = ["Bytes/sec", "KBytes/sec", "MBytes/sec", "GBytes/sec", "TBytes/sec"]
    if format == "A" { return Units.scaled(value / 8, base: 1024, suffixes: bytes) }
    let power = ["k": 1, "m": 2, "g": 3, "t": 4][format.lowercased()] ?? 0
    let isBytes = format.isUppercase
    var scaled = isBytes ? value / 8 : value
    for _ in 0..<power { scaled /= isBytes ? 1024 : 1000 }
    let number: String
    if scaled < 9.995 {
      number = Units.fixed(scaled, decimals: 2)
    } else if scaled < 99.95 {
      number = Units.fixed(scaled, decimals: 1)
    } else {
      number = Units.fixed(scaled, decimals: 0)
    }
    return Units.pad(number, 4) + " " + (isBytes ? bytes : bits)[power]
  }
}
