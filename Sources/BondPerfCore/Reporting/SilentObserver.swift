import Synchronization

/// Keeps a test's record and prints nothing (for `bondperf compare`'s phases).
public final class SilentObserver: TestObserver {
  private let last = Mutex<TestRecord?>(nil)

  public init() {}

  public var record: TestRecord? { last.withLock { $0 } }

  public func notice(_ text: String) {}
  public func connected(_ stream: ConnectedStream, record: TestRecord) {}
  public func started(_ record: TestRecord) {}
  public func interval(_ interval: IntervalReport, record: TestRecord) {}
  public func finished(_ record: TestRecord) { last.withLock { $0 = record } }
  public func failed(_ message: String, record: TestRecord) { last.withLock { $0 = record } }
  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    (IperfJSON.document(record), nil)
  }
}
