/// How far a token's timestamp may be from the server's clock, in seconds
/// (`--time-skew-threshold`; iperf3's default is 10). A token older or newer
/// than that is refused, so a captured token can't be replayed later.
public struct TimeSkewThreshold: Sendable, Hashable, CustomStringConvertible {
  public var seconds: Int

  /// iperf3's default.
  public static let iperf3Default = TimeSkewThreshold(validated: 10)

  /// A threshold of `seconds`; nil unless it is positive (iperf3 refuses 0 and
  /// negative values with "skew threshold must be a positive number").
  public init?(seconds: Int) {
    guard seconds > 0 else { return nil }
    self.init(validated: seconds)
  }

  private init(validated seconds: Int) {
    self.seconds = seconds
  }

  /// Whether a token made at `timestamp` is accepted at `now`: iperf3 refuses
  /// a difference of more than the threshold either way.
  public func accepts(timestamp: Int64, now: Int64) -> Bool {
    let (difference, overflow) = now.subtractingReportingOverflow(timestamp)
    return !overflow && difference.magnitude <= UInt64(seconds)
  }

  public var description: String { "\(seconds) s" }
}
