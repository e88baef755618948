import Foundation
import Synchronization

/// An iperf3-compatible server: serves tests one after another on one port.
public final class Server: Sendable {
  public let configuration: ServerConfiguration
  let makeObserver: @Sendable () -> any TestObserver
  let bond: (any BondWatch)?
  let stopping = Atomic<Bool>(false)
  let idleExpired = Atomic<Bool>(false)

  public init(
    configuration: ServerConfiguration, makeObserver: @escaping @Sendable () -> any TestObserver,
    bond: (any BondWatch)? = nil
  ) {
    self.configuration = configuration
    self.makeObserver = makeObserver
    self.bond = bond
  }

  /// Stops serving: a running test is abandoned (SERVER_TERMINATE), then `run` returns.
  public func stop() {
    stopping.store(true, ordering: .relaxed)
  }

  var isStopping: Bool { stopping.load(ordering: .relaxed) }

  /// Whether a one-off server ended because no client came within `--idle-timeout`.
  public var endedIdle: Bool { idleExpired.load(ordering: .relaxed) }

  /// Listens (or takes ``ServerConfiguration/inheritedListener``), calls `ready` with the bound address, and serves until
  /// ``stop()`` (or after one test with `oneOff`).
  public func run(ready: @escaping @Sendable (SocketAddress) -> Void = { _ in }) async throws {
    try await DedicatedThread.run(named: "bondperf-server") { [self] in
      let listener = try configuration.inheritedListener ?? ServerListener.listen(configuration)
      ready(try listener.socket.localAddress)
      try ServerListener(server: self, socket: listener).serve()
    }
  }
}
