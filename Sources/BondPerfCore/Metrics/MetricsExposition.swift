import Prometheus

/// Writes metric families in Prometheus' text format or OpenMetrics.
///
/// The text format is swift-prometheus' (``PrometheusCollectorRegistry``): one
/// registry per family, so families come out in the order given (a registry
/// orders its families as a dictionary does). OpenMetrics is that text with the
/// few lines OpenMetrics writes differently rewritten (``openMetrics(_:families:)``),
/// not a second encoder.
///
/// See https://prometheus.io/docs/instrumenting/exposition_formats/ and
/// https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md
public enum MetricsExposition {
  /// The families as one exposition. Families with no samples are left out
  /// (a `# TYPE` with nothing under it says nothing).
  public static func render(_ families: [MetricFamily], format: MetricsFormat) -> String {
    var text = ""
    var seen: Set<String> = []
    var rendered: [MetricFamily] = []
    for family in families where !family.samples.isEmpty {
      // A name twice would be two families of one name: the first wins.
      guard seen.insert(family.sampleName).inserted else { continue }
      text += registry(for: family).emitToString()
      rendered.append(family)
    }
    text = normalizingValues(text)
    return format == .openMetrics ? openMetrics(text, families: rendered) : text
  }

  /// A registry holding `family`'s samples. Samples the registry would refuse
  /// (at run time, with a trap) are left out: an unlabelled sample in a labelled
  /// family (or the reverse), a label name twice in one sample, a negative counter.
  static func registry(for family: MetricFamily) -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    let labelled = family.samples.first.map { !$0.labels.isEmpty } ?? false
    for sample in family.samples {
      let labels = sample.labels.map { ($0.name, $0.value) }
      guard labels.isEmpty != labelled,
        Set(labels.map(\.0)).count == labels.count
      else { continue }
      switch family.kind {
      case .gauge:
        registry.makeGauge(name: family.sampleName, labels: labels, help: family.help)
          .set(to: sample.value)
      case .counter:
        guard sample.value >= 0, sample.value.isFinite else { continue }
        let counter = registry.makeCounter(
          name: family.sampleName, labels: labels, help: family.help)
        if sample.value == sample.value.rounded(), sample.value < 9_007_199_254_740_992 {
          counter.increment(by: Int64(sample.value))
        } else {
          counter.increment(by: sample.value)
        }
      }
    }
    return registry
  }

  /// Sample values as both formats spell them: `3` rather than `3.0`, and
  /// `NaN`, `+Inf`, `-Inf` (Swift prints `nan`, `inf`, `-inf`).
  static func normalizingValues(_ text: String) -> String {
    var lines: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
        let value = Double(line[line.index(after: space)...])
      else {
        lines.append(line)
        continue
      }
      lines.append(line[...space] + number(value))
    }
    return lines.joined(separator: "\n")
  }

  /// OpenMetrics from the text format: a counter's family is named without its
  /// `_total` in `# HELP` and `# TYPE`, a help text escapes the double quote,
  /// `# UNIT` follows `# TYPE` where the family has a unit, and `# EOF` ends it.
  static func openMetrics(_ text: String, families: [MetricFamily]) -> String {
    var byName: [String: MetricFamily] = [:]
    for family in families { byName[family.sampleName] = family }
    var output = ""
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
      guard parts.count >= 3, parts[0] == "#", let family = byName[String(parts[2])] else {
        output += line + "\n"
        continue
      }
      let rest = parts.count == 4 ? String(parts[3]) : ""
      switch parts[1] {
      case "HELP":
        output += "# HELP \(family.name) \(rest.replacing("\"", with: "\\\""))\n"
      case "TYPE":
        output += "# TYPE \(family.name) \(rest)\n"
        if let unit = family.unit, family.name.hasSuffix("_" + unit) {
          output += "# UNIT \(family.name) \(unit)\n"
        }
      default:
        output += line + "\n"
      }
    }
    return output + "# EOF\n"
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
}
