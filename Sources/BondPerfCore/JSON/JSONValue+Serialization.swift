import Foundation

extension JSONValue {
  /// Compact text with no whitespace, as iperf3 writes JSON on the control
  /// connection (cJSON's unformatted printer).
  public var compactText: String {
    var output = ""
    JSONValue.writeCompact(self, to: &output)
    return output
  }

  /// The UTF-8 bytes of ``compactText``, ready for ``Framing/frame(_:)``.
  public var compactBytes: [UInt8] { Array(compactText.utf8) }

  /// One `--json-stream` line: ``compactText`` followed by a newline.
  public var jsonLineText: String { compactText + "\n" }

  /// Text exactly as cJSON's pretty printer writes it for `iperf3 -J`:
  /// one tab per nesting level, `"key":<TAB>value`, one object member per line,
  /// array elements on one line separated by `, `, an empty object as `{`,
  /// newline, indentation, `}`, and an empty array as `[]`.
  ///
  /// There is no trailing newline; iperf3 prints one after the document.
  public var iperf3PrettyText: String {
    var output = ""
    JSONValue.writePretty(self, depth: 0, to: &output)
    return output
  }

  private static func writeCompact(_ value: JSONValue, to output: inout String) {
    switch value {
    case .array(let elements):
      output += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { output += "," }
        writeCompact(element, to: &output)
      }
      output += "]"
    case .object(let members):
      output += "{"
      for (index, (key, member)) in members.enumerated() {
        if index > 0 { output += "," }
        writeString(key, to: &output)
        output += ":"
        writeCompact(member, to: &output)
      }
      output += "}"
    default:
      writeScalar(value, to: &output)
    }
  }

  /// Mirrors cJSON's `print_object`/`print_array` with `format` on; `depth` is
  /// cJSON's `output_buffer->depth` before the container is entered.
  private static func writePretty(_ value: JSONValue, depth: Int, to output: inout String) {
    switch value {
    case .array(let elements):
      output += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { output += ", " }
        writePretty(element, depth: depth + 1, to: &output)
      }
      output += "]"
    case .object(let members):
      let inner = depth + 1
      output += "{\n"
      for (index, (key, member)) in members.enumerated() {
        output += String(repeating: "\t", count: inner)
        writeString(key, to: &output)
        output += ":\t"
        writePretty(member, depth: inner, to: &output)
        if index < members.count - 1 { output += "," }
        output += "\n"
      }
      output += String(repeating: "\t", count: depth)
      output += "}"
    default:
      writeScalar(value, to: &output)
    }
  }

  private static func writeScalar(_ value: JSONValue, to output: inout String) {
    switch value {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .int(let number): output += String(number)
    case .double(let number): output += formatNumber(number)
    case .string(let text): writeString(text, to: &output)
    case .array, .object: writeCompact(value, to: &output)
    }
  }

  /// Formats a double as iperf3's cJSON does: a whole number without a decimal
  /// point, otherwise `%1.15g`, or `%1.17g` when 15 digits don't read back as
  /// the same value. NaN and infinities print as `null`.
  public static func formatNumber(_ number: Double) -> String {
    guard number.isFinite else { return "null" }
    // iperf3's cJSON keeps a saturated int64 copy and prints it when it is exact.
    let saturated: Int64
    if number >= 9.223_372_036_854_775_807e18 {
      saturated = .max
    } else if number <= -9.223_372_036_854_775_808e18 {
      saturated = .min
    } else {
      saturated = Int64(number)
    }
    if number == Double(saturated) { return String(saturated) }
    let short = String(format: "%1.15g", number)
    if let back = Double(short), closeEnough(back, number) { return short }
    return String(format: "%1.17g", number)
  }

  /// cJSON's `compare_double`: equal within one epsilon of the larger magnitude.
  private static func closeEnough(_ a: Double, _ b: Double) -> Bool {
    let largest = max(abs(a), abs(b))
    return abs(a - b) <= largest * Double.ulpOfOne
  }

  /// Writes a quoted string with cJSON's escapes: `\"`, `\\`, `\b`, `\f`, `\n`,
  /// `\r`, `\t`, other control characters as `\u00xx`; everything else raw.
  private static func writeString(_ text: String, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\u{08}": output += "\\b"
      case "\u{0C}": output += "\\f"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case "\u{00}"..<"\u{20}":
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
