import BondPerfCore

/// What the bond layer adds to a test.
struct BondSetup: Sendable {
  var slaveNames: [String]
  var monitor: (any SlaveMonitor)?
  var decorate: @Sendable (TestRecord) -> TestRecord
  var extraResults: @Sendable () -> [(String, JSONValue)]
  var printSummary: @Sendable (TestRecord, OutputSink) -> Void
  /// The client's bond, when one is known.
  var description: BondDescription? = nil

  /// No bond known: a plain iperf3-style test.
  static var none: BondSetup {
    BondSetup(
      slaveNames: [], monitor: nil, decorate: { $0 }, extraResults: { [] },
      printSummary: { _, _ in })
  }
}
