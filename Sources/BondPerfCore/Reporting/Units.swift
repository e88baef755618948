import Foundation

/// iperf3's units: sizes in 1024s, rates in 1000s, three significant figures.
public enum Units {
  /// `3.62 GBytes`, `940 MBytes`, `128 KBytes`, `0.00 Bytes`.
  public static func bytes(_ value: Double) -> String {
    scaled(value, base: 1024, suffixes: ["Bytes", "KBytes", "MBytes", "GBytes", "TBytes"])
  }

  /// Bytes over seconds as bits per second; 0 for an empty span.
  public static func rate(bytes: Int64, seconds: Double) -> Double {
    seconds > 0 ? Double(bytes) * 8 / seconds : 0
  }

  /// `31.1 Gbits/sec`, `940 Mbits/sec`.
  public static func bitsPerSecond(_ value: Double) -> String {
    if let formatted = RateFormat.text(bitsPerSecond: value) { return formatted }
    return scaled(
      value, base: 1000,
      suffixes: ["bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"])
  }

  /// `value` scaled by `base` until it is below it, with three significant
  /// figures (iperf3's `unit_snprintf`); the number is right-aligned in `width`.
  static func scaled(
    _ value: Double, base: Double, suffixes: [String], width: Int = 4
  ) -> String {
    var value = value.isFinite ? value : 0
    var index = 0
    while value >= base && index < suffixes.count - 1 {
      value /= base
      index += 1
    }
    let text: String
    if value < 9.995 {
      text = fixed(value, decimals: 2)
    } else if value < 99.95 {
      text = fixed(value, decimals: 1)
    } else {
      text = fixed(value, decimals: 0)
    }
    return pad(text, width) + " " + suffixes[index]
  }

  /// `value` with exactly `decimals` digits after the point (rounded half up).
  public static func fixed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = value < 0
    let rounded = (abs(value) * scale).rounded()
    let whole = rounded / scale
    let integerPart = Int64(whole.rounded(.towardZero))
    let fraction = Int64(rounded) - integerPart * Int64(scale)
    var text = String(integerPart)
    if decimals > 0 {
      var digits = String(fraction)
      while digits.count < decimals { digits = "0" + digits }
      text += "." + digits
    }
    return (negative && rounded != 0 ? "-" : "") + text
  }

  /// Right-aligns `text` in `width` columns (like printf's `%Ns`).
  public static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
  }

  /// Left-aligns `text` in `width` columns (like printf's `%-Ns`).
  public static func padRight(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }

  /// A host-report size, `6.00 MiB`, `208 KiB`, `512 B`: IEC suffixes,
  /// no padding, whole numbers below 1 KiB without decimals.
  public static func hostBytes(_ value: Double) -> String {
    compact(value, base: 1024, suffixes: ["B", "KiB", "MiB", "GiB", "TiB"])
  }

  /// A host-report rate, `20.0 Gbits/sec`, without padding.
  public static func hostBitrate(_ bitsPerSecond: Double) -> String {
    compact(
      bitsPerSecond, base: 1000,
      suffixes: ["bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"])
  }

  /// A duration in milliseconds, `1 ms`, `0.25 ms`.
  public static func milliseconds(_ seconds: Double) -> String {
    let ms = seconds * 1000
    let text = ms == ms.rounded() ? fixed(ms, decimals: 0) : String(format: "%.3g", ms)
    return text + " ms"
  }

  /// ``scaled(_:base:suffixes:width:)`` without padding, and whole numbers
  /// below the first step without decimals (`512 B`).
  private static func compact(_ value: Double, base: Double, suffixes: [String]) -> String {
    if value < base && value == value.rounded() {
      return fixed(value, decimals: 0) + " " + suffixes[0]
    }
    return scaled(value, base: base, suffixes: suffixes, width: 0)
  }

  /// Parses iperf3 size arguments: `128K` = 131072, `1M` = 1048576, `2G`, `500` (bytes).
  public static func parseSize(_ text: String) -> Int64? {
    parse(text, base: 1024)
  }

  /// Parses iperf3 rate arguments: `100M` = 100,000,000 bit/s.
  public static func parseRate(_ text: String) -> Int64? {
    parse(text, base: 1000)
  }

  private static func parse(_ text: String, base: Double) -> Int64? {
    guard let last = text.last else { return nil }
    var number = Substring(text)
    var multiplier = 1.0
    switch last {
    case "k", "K": multiplier = base
    case "m", "M": multiplier = base * base
    case "g", "G": multiplier = base * base * base
    case "t", "T": multiplier = base * base * base * base
    default: break
    }
    if multiplier != 1 { number = number.dropLast() }
    guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      let value = Double(number), value >= 0
    else { return nil }
    let result = value * multiplier
    guard result < 9.2e18 else { return nil }
    return Int64(result)
  }
}
