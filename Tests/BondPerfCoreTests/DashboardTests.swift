import Foundation
import Testing

@testable import BondPerfCore

/// contrib/grafana-bondperf.json: valid JSON whose queries name only series
/// and labels that `--prometheus` and the exporter emit.
struct DashboardTests {
  static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("contrib/grafana-bondperf.json").path

  static let labels: Set<String> = [
    "target", "direction", "stream", "slave", "host", "index", "verdict", "version", "mode",
    "policy", "pinning", "reason", "result", "code", "job", "instance",
  ]

  /// Every query expression: the panels' targets and the template variables'.
  static func expressions(_ dashboard: JSONValue) -> [String] {
    var found: [String] = []
    for panel in dashboard["panels"]?.arrayValue ?? [] {
      for target in panel["targets"]?.arrayValue ?? [] {
        if let expression = target["expr"]?.stringValue { found.append(expression) }
      }
    }
    for variable in dashboard["templating"]?["list"]?.arrayValue ?? [] {
      if let query = variable["query"]?["query"]?.stringValue { found.append(query) }
    }
    return found
  }

  /// The `bondperf_...` names in an expression.
  static func metricNames(_ expression: String) -> [String] {
    var names: [String] = []
    var rest = Substring(expression)
    while let range = rest.range(of: "bondperf_") {
      let name = rest[range.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
      names.append(String(name))
      rest = rest[name.endIndex...]
    }
    return names
  }

  /// Label names in `{name="..."}` matchers and `by (...)`/`on(...)`/`group_left(...)` lists.
  static func labelNames(_ expression: String) -> [String] {
    var names: [String] = []
    let characters = Array(expression)
    var index = 0
    while index < characters.count {
      if characters[index] == "{" {
        var inside = ""
        index += 1
        while index < characters.count, characters[index] != "}" {
          inside.append(characters[index])
          index += 1
        }
        for matcher in inside.split(separator: ",") {
          let name = matcher.drop { $0 == " " }.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
          names.append(String(name))
        }
      }
      index += 1
    }
    for keyword in ["by (", "on(", "group_left("] {
      var rest = Substring(expression)
      while let range = rest.range(of: keyword) {
        let list = rest[range.upperBound...].prefix { $0 != ")" }
        names += list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
          .filter { !$0.isEmpty }
        rest = rest[range.upperBound...]
      }
    }
    return names
  }

  @Test func queriesNameSeriesTheExporterEmits() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Self.path))
    let dashboard = try JSONValue.parse(data)
    #expect(dashboard["uid"]?.stringValue == "bondperf")
    let panels = dashboard["panels"]?.arrayValue ?? []
    #expect(panels.count >= 6)
    for panel in panels {
      #expect(panel["title"]?.stringValue?.isEmpty == false)
      #expect(panel["targets"]?.arrayValue?.isEmpty == false)
    }
    let known = Set(TestMetrics.familyNames + Exporter.sampleNames)
    let expressions = Self.expressions(dashboard)
    #expect(expressions.count >= 15)
    var used: Set<String> = []
    for expression in expressions {
      for name in Self.metricNames(expression) {
        #expect(known.contains(name), "unknown series \(name) in: \(expression)")
        used.insert(name)
      }
      for label in Self.labelNames(expression) {
        #expect(Self.labels.contains(label), "unknown label \(label) in: \(expression)")
      }
    }
    // What the issue asks the picture to show.
    for needed in [
      "bondperf_slave_transmit_bytes_per_second", "bondperf_slave_predicted_streams",
      "bondperf_slave_measured_streams", "bondperf_slave_verdict", "bondperf_test_info",
      "bondperf_calibration_verdict",
    ] {
      #expect(used.contains(needed), "the dashboard doesn't plot \(needed)")
    }
  }

  /// The checker itself: it must catch a misspelt series.
  @Test func theCheckerFindsNames() {
    #expect(
      Self.metricNames("sum(bondperf_slave_bogus{a=\"b\"}) * bondperf_x") == [
        "bondperf_slave_bogus", "bondperf_x",
      ])
    #expect(
      Self.labelNames("count by (target) (m{host=\"c\", verdict=~\"x|y\"}) * on(target) x")
        == ["host", "verdict", "target", "target"])
  }

  /// Every family a full document produces is listed in ``TestMetrics/familyNames``.
  @Test func familyNamesAreComplete() {
    let names = TestMetrics.families(document: MetricsTests.document, target: "t").map(\.name)
    #expect(Set(names).isSubset(of: Set(TestMetrics.familyNames)))
    #expect(Set(names).count >= 20)
  }
}
