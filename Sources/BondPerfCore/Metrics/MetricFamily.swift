/// One metric family as Prometheus exposes it: a name, its help text, its type
/// and its samples (one per label set).
///
/// Names follow Prometheus' conventions: snake_case, base units as suffixes
/// (`_bytes`, `_seconds`, `_bytes_per_second`), and a counter's name without
/// its `_total`, which the exposition adds to every sample (OpenMetrics keeps
/// the family name bare, the text format repeats the sample name).
/// See https://prometheus.io/docs/practices/naming/
public struct MetricFamily: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    case gauge
    case counter
  }

  public var name: String
  public var help: String
  public var kind: Kind
  /// OpenMetrics' `# UNIT`: only when the name ends with `_` + unit (`seconds`, `bytes`).
  public var unit: String?
  public var samples: [MetricSample]

  public init(
    name: String, help: String, kind: Kind = .gauge, unit: String? = nil,
    samples: [MetricSample]
  ) {
    self.name = name
    self.help = help
    self.kind = kind
    self.unit = unit
    self.samples = samples
  }

  /// The name each sample carries: a counter's ends in `_total`.
  public var sampleName: String { kind == .counter ? name + "_total" : name }

  /// Whether `name` is a valid metric or label name: `[a-zA-Z_:][a-zA-Z0-9_:]*`
  /// (label names without the colon).
  public static func isValidName(_ name: String, allowColon: Bool = true) -> Bool {
    guard let first = name.utf8.first else { return false }
    func letter(_ byte: UInt8) -> Bool {
      (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
        || (allowColon && byte == 0x3A)
    }
    guard letter(first) else { return false }
    return name.utf8.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
  }
}

/// One sample of a family: its labels, in order, and its value.
public struct MetricSample: Sendable, Hashable {
  public var labels: [MetricLabel]
  public var value: Double

  public init(_ labels: [MetricLabel] = [], _ value: Double) {
    self.labels = labels
    self.value = value
  }
}

/// A label's name and value.
public struct MetricLabel: Sendable, Hashable {
  public var name: String
  public var value: String

  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }
}
