/// The two exposition formats a scraper may ask for in its `Accept` header.
public enum MetricsFormat: Sendable, Hashable {
  /// Prometheus' text format 0.0.4, the default.
  case prometheusText
  /// OpenMetrics 1.0.0 text (`# EOF`, `# UNIT`, counters' families without `_total`).
  case openMetrics

  public var contentType: String {
    switch self {
    case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
    case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
    }
  }

  /// The format an `Accept` header prefers: OpenMetrics when it is listed with a
  /// quality above 0 and no lower than the text format's, else the text format
  /// (also for a missing or unparsable header).
  ///
  /// Prometheus asks `application/openmetrics-text;version=1.0.0,...,
  /// text/plain;version=0.0.4;q=0.5,*/*;q=0.1`.
  public static func negotiate(accept: String?) -> MetricsFormat {
    guard let accept else { return .prometheusText }
    var openMetrics: Double = 0
    var text: Double = 0
    for range in accept.split(separator: ",") {
      let parts = range.split(separator: ";").map {
        $0.trimmingCharacters(in: " \t").lowercased()
      }
      guard let type = parts.first else { continue }
      var quality = 1.0
      for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
        quality = Double(parameter.dropFirst(2)) ?? 0
      }
      if type == "application/openmetrics-text" {
        openMetrics = max(openMetrics, quality)
      } else if type == "text/plain" || type == "text/*" || type == "*/*" {
        text = max(text, quality)
      }
    }
    return openMetrics > 0 && openMetrics >= text ? .openMetrics : .prometheusText
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> Substring {
    var result = self
    while let first = result.first, set.contains(first) { result = result.dropFirst() }
    while let last = result.last, set.contains(last) { result = result.dropLast() }
    return result
  }
}
