import Foundation

/// A small JSON Schema (draft 2020-12) validator: just the keywords bondperf's
/// schemas in `schema/` use. A keyword it does not know is reported as an
/// error, so a schema change cannot silently pass unchecked.
///
/// Instances and schemas are Foundation JSON (`JSONSerialization` output).
/// `$ref` resolves `#/$defs/...` pointers inside a schema file, and
/// `other.schema.json` or `other.schema.json#/...` to a sibling file.
struct JSONSchemaValidator {
  /// Schema files by name ("bondperf-result.schema.json").
  let files: [String: Any]

  static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description"]
  static let assertions: Set<String> = [
    "$ref", "type", "enum", "properties", "required", "items", "additionalProperties",
    "anyOf", "oneOf", "allOf", "not", "minimum", "maximum", "minLength", "maxLength",
  ]

  /// Loads every `*.schema.json` in `directory`.
  init(directory: URL) throws {
    var files: [String: Any] = [:]
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    for name in names where name.hasSuffix(".schema.json") {
      let data = try Data(contentsOf: directory.appendingPathComponent(name))
      files[name] = try JSONSerialization.jsonObject(with: data)
    }
    guard !files.isEmpty else { throw E2EError("no *.schema.json in \(directory.path)") }
    self.files = files
  }

  init(files: [String: Any]) { self.files = files }

  /// The schema directory of this package (`schema/`).
  static func packaged() throws -> JSONSchemaValidator {
    try JSONSchemaValidator(directory: TestbedSupport.packageRoot.appendingPathComponent("schema"))
  }

  /// Every violation of `instance` against `reference` ("file.json" or
  /// "file.json#/$defs/name"); empty when it is valid.
  func errors(_ instance: Any, against reference: String) -> [String] {
    do {
      let (schema, base) = try resolve(reference, base: "")
      return validate(instance, schema, base: base, path: "$")
    } catch {
      return ["\(error)"]
    }
  }

  func resolve(_ reference: String, base: String) throws -> (Any, String) {
    let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    let fileName = parts[0].isEmpty ? base : String(parts[0])
    guard var node = files[fileName] else {
      throw E2EError("$ref \(reference): no schema file \(fileName)")
    }
    if parts.count == 2 && !parts[1].isEmpty {
      for token in parts[1].split(separator: "/") {
        let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(
          of: "~0", with: "~")
        guard let child = (node as? [String: Any])?[key] else {
          throw E2EError("$ref \(reference): nothing at \(key)")
        }
        node = child
      }
    }
    return (node, fileName)
  }

  /// The JSON type of an instance; "integer" is not a type of its own here.
  static func type(_ value: Any) -> String { e2eJSONType(value) }

  static func isInteger(_ value: Any) -> Bool {
    guard type(value) == "number", let number = value as? NSNumber else { return false }
    let double = number.doubleValue
    return double.isFinite && double.rounded() == double
  }

  static func equal(_ a: Any, _ b: Any) -> Bool {
    let kind = type(a)
    guard kind == type(b) else { return false }
    switch kind {
    case "string": return (a as? String) == (b as? String)
    case "null": return true
    case "boolean", "number": return (a as? NSNumber) == (b as? NSNumber)
    default: return false  // enums over objects and arrays are not needed
    }
  }

  func validate(_ instance: Any, _ schema: Any, base: String, path: String) -> [String] {
    if let allowed = schema as? Bool, Self.type(schema) == "boolean" {
      return allowed ? [] : ["\(path): no value is allowed here (schema false)"]
    }
    guard let schema = schema as? [String: Any] else {
      return ["\(path): the schema is not an object"]
    }
    var errors: [String] = []
    for key in schema.keys where !Self.annotations.contains(key) && !Self.assertions.contains(key) {
      errors.append("\(path): the validator does not support the schema keyword \(key)")
    }
    if let reference = schema["$ref"] as? String {
      do {
        let (target, targetBase) = try resolve(reference, base: base)
        errors += validate(instance, target, base: targetBase, path: path)
      } catch {
        errors.append("\(path): \(error)")
      }
    }
    let kind = Self.type(instance)
    if let typeSpec = schema["type"] {
      let types = (typeSpec as? [String]) ?? [(typeSpec as? String) ?? "?"]
      let matches = types.contains { wanted in
        wanted == "integer" ? Self.isInteger(instance) : wanted == kind
      }
      if !matches {
        errors.append(
          "\(path): \(Self.describe(instance)) is \(kind), expected \(types.joined(separator: " or "))"
        )
        return errors  // the rest would only repeat the type error
      }
    }
    if let options = schema["enum"] as? [Any],
      !options.contains(where: { Self.equal(instance, $0) })
    {
      errors.append("\(path): \(Self.describe(instance)) is not one of \(options)")
    }
    if let number = instance as? NSNumber, kind == "number" {
      if let minimum = (schema["minimum"] as? NSNumber)?.doubleValue, number.doubleValue < minimum {
        errors.append("\(path): \(number) is below the minimum \(minimum)")
      }
      if let maximum = (schema["maximum"] as? NSNumber)?.doubleValue, number.doubleValue > maximum {
        errors.append("\(path): \(number) is above the maximum \(maximum)")
      }
    }
    if let string = instance as? String, kind == "string" {
      if let minimum = (schema["minLength"] as? NSNumber)?.intValue, string.count < minimum {
        errors.append("\(path): \"\(string)\" is shorter than \(minimum) characters")
      }
      if let maximum = (schema["maxLength"] as? NSNumber)?.intValue, string.count > maximum {
        errors.append("\(path): \"\(string)\" is longer than \(maximum) characters")
      }
    }
    if let object = instance as? [String: Any], kind == "object" {
      for key in (schema["required"] as? [String]) ?? [] where object[key] == nil {
        errors.append("\(path): the required key \"\(key)\" is missing")
      }
      let properties = (schema["properties"] as? [String: Any]) ?? [:]
      for (key, value) in object.sorted(by: { $0.key < $1.key }) {
        if let propertySchema = properties[key] {
          errors += validate(value, propertySchema, base: base, path: "\(path).\(key)")
        } else if let additional = schema["additionalProperties"] {
          errors += validate(value, additional, base: base, path: "\(path).\(key)")
        }
      }
    }
    if let array = instance as? [Any], kind == "array", let items = schema["items"] {
      for (index, element) in array.enumerated() {
        errors += validate(element, items, base: base, path: "\(path)[\(index)]")
      }
    }
    if let all = schema["allOf"] as? [Any] {
      for sub in all { errors += validate(instance, sub, base: base, path: path) }
    }
    if let any = schema["anyOf"] as? [Any] {
      let results = any.map { validate(instance, $0, base: base, path: path) }
      if !results.contains(where: \.isEmpty) {
        errors.append("\(path): matches none of anyOf: " + Self.branches(results))
      }
    }
    if let one = schema["oneOf"] as? [Any] {
      let results = one.map { validate(instance, $0, base: base, path: path) }
      let passing = results.filter(\.isEmpty).count
      if passing == 0 {
        errors.append("\(path): matches none of oneOf: " + Self.branches(results))
      } else if passing > 1 {
        errors.append("\(path): matches \(passing) branches of oneOf, expected exactly one")
      }
    }
    if let negated = schema["not"], validate(instance, negated, base: base, path: path).isEmpty {
      errors.append("\(path): matches a schema it must not match (not)")
    }
    return errors
  }

  static func branches(_ results: [[String]]) -> String {
    results.enumerated().map { "[\($0.offset): \($0.element.prefix(3).joined(separator: "; "))]" }
      .joined(separator: " ")
  }

  static func describe(_ value: Any) -> String {
    switch type(value) {
    case "object": return "an object"
    case "array": return "an array"
    case "string": return "\"\(value)\""
    default: return "\(value)"
    }
  }
}
