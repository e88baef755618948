import Foundation
import Synchronization

/// An iperf3-compatible client: runs one test against a bondperf or iperf3 server.
public final class Client: Sendable {
  public let configuration: ClientConfiguration
  let observer: any TestObserver
  let bond: (any BondWatch)?
  let interruption = Atomic<Bool>(false)
  /// Whether the test is in its measuring loop, where an interrupt ends it with a summary.
  let measuring = Atomic<Bool>(false)

  /// - Parameter bond: The bond the test's streams leave on, when one is known.
  public init(
    configuration: ClientConfiguration, observer: any TestObserver, bond: (any BondWatch)? = nil
  ) {
    self.configuration = configuration
    self.observer = observer
    self.bond = bond
  }

  /// Ends a running test early, as Ctrl-C does: the summary so far is reported.
  ///
  /// - Returns: False when the test can't wind down that way: it is still connecting
  ///   or setting up (a silent server would hold it for the control timeout), it is
  ///   past measuring, or this is the second interrupt. The caller should then report
  ///   ``PerfError/interrupted`` and exit, as iperf3 does.
  @discardableResult
  public func interrupt() -> Bool {
    let first = !interruption.exchange(true, ordering: .relaxed)
    return first && measuring.load(ordering: .relaxed)
  }

  /// Runs the test on a thread of its own (its control I/O blocks) and
  /// returns what it recorded.
  public func run() async throws -> TestRecord {
    try await DedicatedThread.run(named: "bondperf-client") { [self] in
      try ClientRun(client: self).execute()
    }
  }
}
