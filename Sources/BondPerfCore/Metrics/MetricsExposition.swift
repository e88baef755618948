/// Writes metric families in Prometheus' text format or OpenMetrics.
///
/// See https://prometheus.io/docs/instrumenting/exposition_formats/ and
/// https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md
public enum MetricsExposition {
  /// The families as one exposition. Families with no samples are left out
  /// (a `# TYPE` with nothing under it says nothing).
  public static func render(_ families: [MetricFamily], format: MetricsFormat) -> String {
    var text = ""
    for family in families where !family.samples.isEmpty {
      let familyName = format == .openMetrics ? family.name : family.sampleName
      text += "# HELP \(familyName) \(escapeHelp(family.help, format: format))\n"
      text += "# TYPE \(familyName) \(family.kind.rawValue)\n"
      if format == .openMetrics, let unit = family.unit {
        text += "# UNIT \(familyName) \(unit)\n"
      }
      for sample in family.samples {
        text += family.sampleName
        if !sample.labels.isEmpty {
          let labels = sample.labels.map { "\($0.name)=\"\(escapeLabel($0.value))\"" }
          text += "{" + labels.joined(separator: ",") + "}"
        }
        text += " " + number(sample.value) + "\n"
      }
    }
    if format == .openMetrics { text += "# EOF\n" }
    return text
  }

  /// A sample value: integers without a fraction, `NaN`, `+Inf`, `-Inf`.
  public static func number(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
      return String(Int64(value))
    }
    return "\(value)"
  }

  /// A label value: backslash, double quote and line feed escaped.
  static func escapeLabel(_ value: String) -> String {
    var escaped = ""
    for character in value {
      switch character {
      case "\\": escaped += "\\\\"
      case "\"": escaped += "\\\""
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  /// A help text: backslash and line feed escaped (and, in OpenMetrics, the double quote).
  static func escapeHelp(_ help: String, format: MetricsFormat) -> String {
    var escaped = ""
    for character in help {
      switch character {
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case "\"" where format == .openMetrics: escaped += "\\\""
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
