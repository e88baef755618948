/// Bit rates as people type them: iperf3's `100M`, `2.5G` (decimal, bits) and
/// tc's units, `100mbit`, `1gbit`, `500kbit`, `1Gibit`, `12500000bps`
/// (iproute2's `tc/tc_util.c` `get_rate()` table; see tc(8) "RATES").
public enum RateText {
  /// Suffix to bits per second, longest first so `kibit` wins over `bit`.
  static let units: [(String, Double)] = [
    ("kibit", 1024), ("mibit", 1_048_576), ("gibit", 1_073_741_824),
    ("tibit", 1_099_511_627_776),
    ("kibps", 8192), ("mibps", 8_388_608), ("gibps", 8_589_934_592),
    ("tibps", 8_796_093_022_208),
    ("kbit", 1e3), ("mbit", 1e6), ("gbit", 1e9), ("tbit", 1e12),
    ("kbps", 8e3), ("mbps", 8e6), ("gbps", 8e9), ("tbps", 8e12),
    ("bit", 1), ("bps", 8),
  ]

  /// Bits per second, or nil when `text` is not a rate.
  public static func parse(_ text: String) -> Int64? {
    let lower = text.lowercased()
    for (suffix, multiplier) in units where lower.hasSuffix(suffix) {
      let number = lower.dropLast(suffix.count)
      guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
        let value = Double(number)
      else { return nil }
      let result = value * multiplier
      return result < 9.2e18 ? Int64(result) : nil
    }
    return Units.parseRate(text)
  }
}
