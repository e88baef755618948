import BondPerfCore

/// What the bond layer adds to a test.
struct BondSetup: BondWatch {
  var slaveNames: [String]
  var monitor: (any SlaveMonitor)?
  var decorating: @Sendable (TestRecord) -> TestRecord
  var extraResults: @Sendable () -> [(String, JSONValue)]
  /// The text after a client's summary (per-slave tables, diagnosis).
  var trailer: @Sendable (TestRecord) -> String

  /// No bond known: a plain iperf3-style test.
  static var none: BondSetup {
    BondSetup(
      slaveNames: [], monitor: nil, decorating: { $0 }, extraResults: { [] },
      trailer: { _ in "" })
  }

  func resultsExtra() -> [(String, JSONValue)] { extraResults() }
  func decorate(_ record: TestRecord) -> TestRecord { decorating(record) }
}
