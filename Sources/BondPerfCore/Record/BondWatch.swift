/// How a bond takes part in a test on one host: the one seam between the
/// engine and the bond layer.
///
/// The client's comes from its pinning plan, the server's from the slaves it
/// was told to watch. Without one, a test runs as plain iperf3 would.
public protocol BondWatch: Sendable {
  /// The slaves whose counters are read, in enslave order; empty when the
  /// bond is only predicted.
  var slaveNames: [String] { get }
  /// Reads the slaves' counters per interval and at the end; nil when none are read.
  var monitor: (any SlaveMonitor)? { get }
  /// Members this side adds to its results message (iperf3 ignores them).
  func resultsExtra() -> [(String, JSONValue)]
  /// The record as reported: the `bond` object added.
  func decorate(_ record: TestRecord) -> TestRecord
}
