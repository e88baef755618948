import Synchronization

/// Ctrl-C during `bondperf compare`: stops the running phase's client and
/// ends the comparison with the phases that finished.
public final class ComparisonInterruption: Sendable {
  private let interrupted = Atomic<Bool>(false)
  private let running = Mutex<Client?>(nil)

  public init() {}

  /// Whether ``interrupt()`` was called.
  public var isInterrupted: Bool { interrupted.load(ordering: .relaxed) }

  /// Stops the client of the running phase, and every phase after it.
  public func interrupt() {
    interrupted.store(true, ordering: .relaxed)
    running.withLock { $0?.interrupt() }
  }

  /// Runs `client` as the current phase's; interrupted at once if ``interrupt()``
  /// came before it started.
  func run(_ client: Client) async throws -> TestRecord {
    running.withLock { $0 = client }
    defer { running.withLock { $0 = nil } }
    if isInterrupted { client.interrupt() }
    return try await client.run()
  }
}
