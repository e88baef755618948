import ArgumentParser
import BondPerfCore

/// How the CLI learns the bond: detected from the kernel, or described by hand.
struct BondOptions: ParsableArguments {
  @Flag(help: "Leave source ports to the kernel (for comparison); slaves are still predicted.")
  var noPin = false

  func validate(options: TestOptions) throws {}

  func clientSetup(
    host: String, options: TestOptions, configuration: inout ClientConfiguration, sink: OutputSink
  ) throws -> BondSetup {
    .none
  }

  func serverSetup(options: TestOptions) throws -> BondSetup { .none }
}

/// What the bond layer adds to a test.
struct BondSetup: Sendable {
  var slaveNames: [String]
  var monitor: (any SlaveMonitor)?
  var decorate: @Sendable (TestRecord) -> TestRecord
  var extraResults: @Sendable () -> [(String, JSONValue)]
  var printSummary: @Sendable (TestRecord, OutputSink) -> Void

  /// No bond known: a plain iperf3-style test.
  static var none: BondSetup {
    BondSetup(
    slaveNames: [], monitor: nil, decorate: { $0 }, extraResults: { [] },
      printSummary: { _, _ in })
  }
}
