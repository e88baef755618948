@testable import BondPerfCore

/// A strict reader of the two exposition formats, for the tests: every line
/// must be a HELP, TYPE or UNIT line of the family being read, or one of its
/// samples; names and labels must be valid, label values properly escaped,
/// values numbers, no series repeated, and OpenMetrics must end in `# EOF`.
/// Returns the samples by series ("name{a=\"b\"}") or the first problem.
enum ExpositionChecker {
  struct Problem: Error, CustomStringConvertible {
    var description: String
  }

  static func check(_ text: String, format: MetricsFormat) throws -> [String: Double] {
    guard text.hasSuffix("\n") else { throw Problem(description: "no final line feed") }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.removeLast()
    if format == .openMetrics {
      guard lines.last == "# EOF" else { throw Problem(description: "no # EOF at the end") }
      lines.removeLast()
    }
    var series: [String: Double] = [:]
    var types: [String: String] = [:]
    var current: String?
    var seenFamilies: Set<String> = []
    for line in lines {
      if line.hasPrefix("#") {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "#", ["HELP", "TYPE", "UNIT"].contains(parts[1])
        else { throw Problem(description: "stray comment: \(line)") }
        let family = String(parts[2])
        guard MetricFamily.isValidName(family) else {
          throw Problem(description: "bad family name: \(line)")
        }
        if family != current {
          guard !seenFamilies.contains(family) else {
            throw Problem(description: "family \(family) appears twice")
          }
          seenFamilies.insert(family)
          current = family
        }
        if parts[1] == "TYPE" {
          guard parts.count == 4, ["gauge", "counter"].contains(parts[3]) else {
            throw Problem(description: "bad TYPE: \(line)")
          }
          types[family] = String(parts[3])
          if format == .openMetrics && parts[3] == "counter" && family.hasSuffix("_total") {
            throw Problem(description: "OpenMetrics counter family with _total: \(line)")
          }
        }
        if parts[1] == "UNIT" {
          guard format == .openMetrics, parts.count == 4, family.hasSuffix("_" + parts[3]) else {
            throw Problem(description: "bad UNIT: \(line)")
          }
        }
        continue
      }
      guard let family = current, let type = types[family] else {
        throw Problem(description: "sample before its TYPE: \(line)")
      }
      let (name, labels, value) = try sample(line)
      let expected =
        type == "counter" && !(format == .prometheusText && family.hasSuffix("_total"))
        ? family + "_total" : family
      guard name == expected else {
        throw Problem(description: "sample \(name) under family \(family)")
      }
      let key = name + "{" + labels.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",") + "}"
      guard series[key] == nil else { throw Problem(description: "series repeated: \(key)") }
      series[key] = value
    }
    return series
  }

  /// One sample line: name, labels (unescaped), value.
  static func sample(_ line: String) throws -> (String, [(String, String)], Double) {
    var characters = Array(line)
    var index = 0
    var name = ""
    while index < characters.count, characters[index] != "{", characters[index] != " " {
      name.append(characters[index])
      index += 1
    }
    guard MetricFamily.isValidName(name) else { throw Problem(description: "bad name: \(line)") }
    var labels: [(String, String)] = []
    if index < characters.count, characters[index] == "{" {
      index += 1
      while index < characters.count, characters[index] != "}" {
        var label = ""
        while index < characters.count, characters[index] != "=" {
          label.append(characters[index])
          index += 1
        }
        guard MetricFamily.isValidName(label, allowColon: false), index + 1 < characters.count,
          characters[index + 1] == "\""
        else { throw Problem(description: "bad label: \(line)") }
        index += 2
        var value = ""
        while true {
          guard index < characters.count else {
            throw Problem(description: "unterminated label value: \(line)")
          }
          let character = characters[index]
          if character == "\"" { break }
          if character == "\\" {
            guard index + 1 < characters.count else { throw Problem(description: line) }
            switch characters[index + 1] {
            case "\\": value.append("\\")
            case "\"": value.append("\"")
            case "n": value.append("\n")
            default: throw Problem(description: "bad escape: \(line)")
            }
            index += 2
            continue
          }
          value.append(character)
          index += 1
        }
        index += 1
        labels.append((label, value))
        if index < characters.count, characters[index] == "," { index += 1 }
      }
      guard index < characters.count else { throw Problem(description: "no }: \(line)") }
      index += 1
    }
    guard index < characters.count, characters[index] == " " else {
      throw Problem(description: "no value: \(line)")
    }
    characters = Array(characters[(index + 1)...])
    let text = String(characters)
    let value: Double?
    switch text {
    case "NaN": value = .nan
    case "+Inf": value = .infinity
    case "-Inf": value = -.infinity
    default: value = Double(text)
    }
    guard let value else { throw Problem(description: "bad value: \(line)") }
    return (name, labels, value)
  }
}
