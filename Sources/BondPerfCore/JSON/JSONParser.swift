/// A byte-level RFC 8259 parser behind ``JSONValue/parse(_:)``.
///
/// Strict about syntax (no trailing commas, comments, leading zeros, NaN or
/// unescaped control characters), lenient where iperf3 needs it: duplicate keys
/// are kept, 3.12's `18446744073709551615` (its way of printing -1) becomes
/// `.int(-1)`, other integers beyond `Int64` become doubles, and invalid UTF-8
/// inside strings is replaced with U+FFFD instead of rejected.
struct JSONParser {
  /// Containers nested deeper than this are rejected.
  static let maximumDepth = 64

  private let bytes: [UInt8]
  private var position = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  mutating func parseDocument() throws(JSONError) -> JSONValue {
    skipWhitespace()
    let value = try parseValue(depth: 0)
    skipWhitespace()
    if position < bytes.count {
      throw error("unexpected \(describe(bytes[position])) after the JSON value")
    }
    return value
  }

  private func error(_ reason: String, at offset: Int? = nil) -> JSONError {
    JSONError(offset: offset ?? position, reason: reason)
  }

  private func describe(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7f {
      return "'\(Character(Unicode.Scalar(byte)))'"
    }
    let hex = String(byte, radix: 16)
    return "byte 0x" + (hex.count < 2 ? "0" + hex : hex)
  }

  private mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0a, 0x0d: position += 1
      default: return
      }
    }
  }

  private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
    guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected \(describe(bytes[position])), expected a value")
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
    let start = position
    let count = literal.utf8CodeUnitCount
    let matches = literal.withUTF8Buffer { expected in
      bytes.count - start >= count && bytes[start..<start + count].elementsEqual(expected)
    }
    guard matches else { throw error("invalid literal, expected \(literal)") }
    position += count
  }

  private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
    guard depth <= JSONParser.maximumDepth else {
      throw error("nesting deeper than \(JSONParser.maximumDepth) levels")
    }
    position += 1  // {
    var members: [(String, JSONValue)] = []
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard position < bytes.count else { throw error("unexpected end of input in an object") }
      guard bytes[position] == UInt8(ascii: "\"") else {
        throw error("unexpected \(describe(bytes[position])), expected a string key")
      }
      let key = try parseString()
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw error("expected ':' after an object key")
      }
      position += 1
      skipWhitespace()
      members.append((key, try parseValue(depth: depth)))
      skipWhitespace()
      guard position < bytes.count else { throw error("unexpected end of input in an object") }
      switch bytes[position] {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "}"):
        position += 1
        return .object(members)
      default: throw error("unexpected \(describe(bytes[position])), expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
    guard depth <= JSONParser.maximumDepth else {
      throw error("nesting deeper than \(JSONParser.maximumDepth) levels")
    }
    position += 1  // [
    var elements: [JSONValue] = []
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      guard position < bytes.count else { throw error("unexpected end of input in an array") }
      switch bytes[position] {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "]"):
        position += 1
        return .array(elements)
      default: throw error("unexpected \(describe(bytes[position])), expected ',' or ']'")
      }
    }
  }

  private mutating func parseString() throws(JSONError) -> String {
    let start = position
    position += 1  // opening quote
    var utf8: [UInt8] = []
    while true {
      guard position < bytes.count else {
        throw error("unterminated string", at: start)
      }
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: "\""):
        position += 1
        return String(decoding: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        position += 1
        guard position < bytes.count else { throw error("unterminated string", at: start) }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""): utf8.append(0x22)
        case UInt8(ascii: "\\"): utf8.append(0x5c)
        case UInt8(ascii: "/"): utf8.append(0x2f)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0c)
        case UInt8(ascii: "n"): utf8.append(0x0a)
        case UInt8(ascii: "r"): utf8.append(0x0d)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"): appendScalar(try parseUnicodeEscape(), to: &utf8)
        default: throw error("invalid escape '\\\(describe(escape))'", at: position - 2)
        }
      case 0x00..<0x20:
        throw error("unescaped control character \(describe(byte)) in a string")
      default:
        utf8.append(byte)
        position += 1
      }
    }
  }

  /// Parses the hex digits after `\u` (and a following low surrogate escape).
  private mutating func parseUnicodeEscape() throws(JSONError) -> Unicode.Scalar {
    let first = try parseHex4()
    if (0xd800..<0xdc00).contains(first) {
      // A high surrogate needs a `\uDC00`...`\uDFFF` right after it.
      if bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
        bytes[position + 1] == UInt8(ascii: "u")
      {
        let saved = position
        position += 2
        let second = try parseHex4()
        if (0xdc00..<0xe000).contains(second) {
          let value = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
          return Unicode.Scalar(value) ?? "\u{FFFD}"
        }
        position = saved
      }
      return "\u{FFFD}"
    }
    return Unicode.Scalar(first) ?? "\u{FFFD}"  // lone low surrogates
  }

  private mutating func parseHex4() throws(JSONError) -> UInt32 {
    guard bytes.count - position >= 4 else { throw error("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("invalid hex digit \(describe(byte)) in a \\u escape")
      }
      value = value << 4 | UInt32(digit)
      position += 1
    }
    return value
  }

  private func appendScalar(_ scalar: Unicode.Scalar, to utf8: inout [UInt8]) {
    utf8.append(contentsOf: String(Character(scalar)).utf8)
  }

  private mutating func parseNumber() throws(JSONError) -> JSONValue {
    let start = position
    var isInteger = true
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    guard position < bytes.count, isDigit(bytes[position]) else {
      throw error("expected a digit in a number")
    }
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
      if position < bytes.count && isDigit(bytes[position]) {
        throw error("leading zero in a number", at: position - 1)
      }
    } else {
      skipDigits()
    }
    if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
      isInteger = false
      position += 1
      guard position < bytes.count, isDigit(bytes[position]) else {
        throw error("expected a digit after '.'")
      }
      skipDigits()
    }
    if position < bytes.count
      && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E"))
    {
      isInteger = false
      position += 1
      if position < bytes.count
        && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-"))
      {
        position += 1
      }
      guard position < bytes.count, isDigit(bytes[position]) else {
        throw error("expected a digit in an exponent")
      }
      skipDigits()
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    if isInteger {
      if let value = Int64(text) { return .int(value) }
      // iperf3 3.12 prints -1 as the unsigned 64-bit value 2^64-1.
      if text == "18446744073709551615" { return .int(-1) }
    }
    guard let value = Double(text), value.isFinite else {
      throw error("number out of range", at: start)
    }
    return .double(value)
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  private mutating func skipDigits() {
    while position < bytes.count && isDigit(bytes[position]) { position += 1 }
  }
}

extension JSONValue {
  /// Parses one JSON text (RFC 8259), surrounded by optional whitespace.
  ///
  /// - Parameter bytes: UTF-8 JSON text, without framing.
  /// - Returns: The value, with object members in text order and duplicate keys kept.
  /// - Throws: A ``JSONError`` with the byte offset of the first problem.
  ///   Containers nested more than 64 deep are rejected.
  public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
    var parser = JSONParser(bytes: Array(bytes))
    return try parser.parseDocument()
  }

  /// Parses JSON text given as a string; see ``parse(_:)``.
  public static func parse(text: String) throws(JSONError) -> JSONValue {
    try parse(Array(text.utf8))
  }
}
