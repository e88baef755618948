/// A JSON value whose objects keep their keys in order, duplicates included.
///
/// iperf3 (through cJSON) writes keys in insertion order and sometimes repeats
/// a key (3.12's `sock_bufsize`), so objects are arrays of key/value pairs
/// rather than dictionaries. Lookups by key return the *last* matching member.
///
/// Numbers keep the distinction the text had: a literal without a fraction or
/// exponent that fits in `Int64` is ``int(_:)``, everything else ``double(_:)``.
/// Equality is structural: `.int(1) != .double(1)`, and member order matters.
public enum JSONValue: Sendable, Equatable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number written without fraction or exponent that fits in `Int64`.
  case int(Int64)
  /// Any other number; always finite.
  case double(Double)
  /// A string, unescaped.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object: members in order, duplicate keys kept.
  case object([(String, JSONValue)])

  /// Structural equality; objects compare member by member, in order.

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.double(let a), .double(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }
}

extension JSONValue {
  /// The value of the last member named `key` (exact match), if this is an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.last(where: { $0.0 == key })?.1
  }

  /// The element at `index`, if this is an array and the index is in range.
  public subscript(index: Int) -> JSONValue? {
    guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
    return elements[index]
  }

  /// The value of the last member whose key equals `key` ignoring ASCII case, as
  /// cJSON's lookup (and so every iperf3 version) matches keys.
  public func value(forKeyIgnoringCase key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    let wanted = JSONValue.asciiLowercased(key)
    return members.last(where: { JSONValue.asciiLowercased($0.0) == wanted })?.1
  }

  /// The number as an `Int64`: integers as they are, doubles truncated toward
  /// zero when finite and in range (cJSON's `valueint`); `nil` for other types.
  public var intValue: Int64? {
    switch self {
    case .int(let value): return value
    case .double(let value):
      guard value.isFinite, value >= -9.223_372_036_854_775_808e18,
        value < 9.223_372_036_854_775_808e18
      else { return nil }
      return Int64(value)
    default: return nil
    }
  }

  /// The number as a `Double` (integers converted); `nil` for other types.
  public var doubleValue: Double? {
    switch self {
    case .int(let value): return Double(value)
    case .double(let value): return value
    default: return nil
    }
  }

  /// The string, if this is a string.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The Boolean, if this is `true` or `false`.
  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The elements, if this is an array.
  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The members in order, duplicates included, if this is an object.
  public var objectValue: [(String, JSONValue)]? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// The JSON type name used in error messages ("number", "string", ...).
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .int, .double: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }

  static func asciiLowercased(_ text: String) -> String {
    String(
      decoding: text.utf8.map { (0x41...0x5a).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
  }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int64) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  /// Builds an object whose members keep the literal's order.
  public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
}
