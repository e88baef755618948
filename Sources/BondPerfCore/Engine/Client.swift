import Foundation
import Synchronization

/// An iperf3-compatible client: runs one test against a bondperf or iperf3 server.
public final class Client: Sendable {
  public let configuration: ClientConfiguration
  let observer: any TestObserver
  let monitor: (any SlaveMonitor)?
  let interruption = Atomic<Bool>(false)
  /// Extra members for the results exchange (bondperf's per-slave truth).
  let extraResults: @Sendable () -> [(String, JSONValue)]

  public init(
    configuration: ClientConfiguration, observer: any TestObserver,
    monitor: (any SlaveMonitor)? = nil,
    extraResults: @escaping @Sendable () -> [(String, JSONValue)] = { [] }
  ) {
    self.configuration = configuration
    self.observer = observer
    self.monitor = monitor
    self.extraResults = extraResults
  }

  /// Ends a running test early, as Ctrl-C does: the summary so far is reported.
  public func interrupt() {
    interruption.store(true, ordering: .relaxed)
  }

  /// Runs the test on a thread of its own (its control I/O blocks) and
  /// returns what it recorded.
  public func run() async throws -> TestRecord {
    try await DedicatedThread.run(named: "bondperf-client") { [self] in
      try ClientRun(client: self).execute()
    }
  }
}
