/// Reads typed fields from a JSON object for the protocol decoders, naming the
/// field (with a path prefix such as `streams[1].`) in every error.
struct JSONObjectReader {
  let value: JSONValue
  let path: String

  init(_ value: JSONValue, path: String = "", what: String) throws(ProtocolError) {
    guard case .object = value else { throw .notAnObject(what) }
    self.value = value
    self.path = path
  }

  /// The member named `key`, ignoring case (as cJSON does), last one winning.
  func member(_ key: String) -> JSONValue? {
    value.value(forKeyIgnoringCase: key)
  }

  func fieldName(_ key: String) -> String { path + key }

  /// A required number read as `Int64` (doubles truncated, like cJSON's `valueint`).
  func requiredInt(_ key: String) throws(ProtocolError) -> Int64 {
    guard let member = member(key) else { throw .missingField(fieldName(key)) }
    guard let number = member.intValue else {
      throw .wrongType(field: fieldName(key), expected: "number", found: member.typeName)
    }
    return number
  }

  /// A required number read as `Double`.
  func requiredDouble(_ key: String) throws(ProtocolError) -> Double {
    guard let member = member(key) else { throw .missingField(fieldName(key)) }
    guard let number = member.doubleValue else {
      throw .wrongType(field: fieldName(key), expected: "number", found: member.typeName)
    }
    return number
  }

  /// An optional number; present with the wrong type is an error.
  func optionalInt(_ key: String) throws(ProtocolError) -> Int64? {
    guard member(key) != nil else { return nil }
    return try requiredInt(key)
  }

  /// An optional number as `Double`; present with the wrong type is an error.
  func optionalDouble(_ key: String) throws(ProtocolError) -> Double? {
    guard member(key) != nil else { return nil }
    return try requiredDouble(key)
  }

  /// The members whose keys (ignoring case) are not in `known`, in order.
  func unknownMembers(known: Set<String>) -> [(String, JSONValue)] {
    (value.objectValue ?? []).filter { !known.contains(JSONValue.asciiLowercased($0.0)) }
  }
}
