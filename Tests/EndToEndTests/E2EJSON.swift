import Foundation

/// A parsed `-J` document, read with Foundation's JSONSerialization.
struct E2EDocument {
  let root: [String: Any]
  let text: String

  init(_ text: String, from who: String) throws {
    self.text = text
    guard let data = text.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
      let root = object as? [String: Any]
    else {
      throw E2EError("\(who): the output is not one JSON object:\n\(text)")
    }
    self.root = root
  }

  func value(_ path: String) -> Any? {
    var current: Any? = root
    for key in path.split(separator: ".") {
      current = (current as? [String: Any])?[String(key)]
    }
    return current
  }

  func number(_ path: String) throws -> Double {
    guard let number = value(path) as? NSNumber else {
      throw E2EError("no number at \(path) in:\n\(text)")
    }
    return number.doubleValue
  }

  func array(_ path: String) throws -> [Any] {
    guard let array = value(path) as? [Any] else {
      throw E2EError("no array at \(path) in:\n\(text)")
    }
    return array
  }
}

/// The JSON type of a value as a word, for comparing documents.
func e2eJSONType(_ value: Any) -> String {
  switch value {
  case is [String: Any]: return "object"
  case is [Any]: return "array"
  case is String: return "string"
  case is NSNull: return "null"
  case let number as NSNumber:
    // Booleans come back as NSNumber with objCType "c" (__NSCFBoolean).
    return String(cString: number.objCType) == "c" ? "boolean" : "number"
  default: return "\(type(of: value))"
  }
}

/// Every key path in `value` ("end.streams[].sender.bytes" → type), array indices folded.
func e2eKeyPaths(_ value: Any, prefix: String = "", into paths: inout [String: Set<String>]) {
  if let object = value as? [String: Any] {
    for (key, child) in object {
      let path = prefix.isEmpty ? key : "\(prefix).\(key)"
      paths[path, default: []].insert(e2eJSONType(child))
      e2eKeyPaths(child, prefix: path, into: &paths)
    }
  } else if let array = value as? [Any] {
    for element in array {
      paths["\(prefix)[]", default: []].insert(e2eJSONType(element))
      e2eKeyPaths(element, prefix: "\(prefix)[]", into: &paths)
    }
  }
}
