/// One reporting interval.
public struct IntervalReport: Sendable {
  public var streams: [StreamInterval]
  public var slaves: [SlaveSample]
  public var omitted: Bool { streams.first?.omitted ?? false }
}
