import ArgumentParser
import BondPerfCore

/// `--prometheus FILE`: the client's test as a node_exporter textfile.
struct PrometheusOption: ParsableArguments {
  @Option(
    name: .customLong("prometheus"),
    help: ArgumentHelp(
      "Also write the test's metrics to this file in Prometheus' text format, atomically "
        + "(for node_exporter's textfile collector: a name ending in .prom).",
      valueName: "file"))
  var file: String?

  /// Writes `record`'s metrics (success 0 with no result); a failure to write is one line.
  func write(_ record: TestRecord?, target: String, decorate: (TestRecord) -> TestRecord) {
    guard let file else { return }
    var record = record ?? TestRecord()
    if record.summary == nil && record.error == nil { record.error = "the test did not start" }
    let document = IperfJSON.document(decorate(record))
    let text = MetricsExposition.render(
      TestMetrics.families(document: document, target: target), format: .prometheusText)
    do {
      try AtomicFile.write(text, to: file)
    } catch {
      StandardStreams.writeError("bondperf: cannot write --prometheus \(file): \(error)\n")
    }
  }
}
