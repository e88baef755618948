import Foundation
import Synchronization

/// An iperf3-compatible client: runs one test against a bondperf or iperf3 server.
public final class Client: Sendable {
  public let configuration: ClientConfiguration
  let observer: any TestObserver
  let bond: (any BondWatch)?
  private let interruption = Atomic<Bool>(false)

  /// - Parameter bond: The bond the test's streams leave on, when one is known.
  public init(
    configuration: ClientConfiguration, observer: any TestObserver, bond: (any BondWatch)? = nil
  ) {
    self.configuration = configuration
    self.observer = observer
    self.bond = bond
  }

  /// Asks the test to end early, as Ctrl-C does; safe from any thread.
  ///
  /// Only the test's own thread acts on it, within about 100 ms: while
  /// measuring it sends CLIENT_TERMINATE and reports the summary so far;
  /// while connecting or setting up it gives up. Either way ``run()`` throws
  /// ``PerfError/interrupted`` after the observer has been told.
  public func interrupt() {
    interruption.store(true, ordering: .relaxed)
  }

  /// Whether ``interrupt()`` was called.
  var isInterrupted: Bool { interruption.load(ordering: .relaxed) }

  /// Runs the test on a thread of its own (its control I/O blocks) and
  /// returns what it recorded.
  public func run() async throws -> TestRecord {
    try await DedicatedThread.run(named: "bondperf-client") { [self] in
      try ClientSession(client: self).execute()
    }
  }
}
