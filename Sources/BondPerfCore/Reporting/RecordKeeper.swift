import Synchronization

/// Passes every event on to another observer (or to none) and keeps the
/// test's last record, with the failure's message as its `error`: what
/// `--prometheus` and the exporter's probes turn into metrics.
public final class RecordKeeper: TestObserver {
  let inner: (any TestObserver)?
  private let last = Mutex<TestRecord?>(nil)

  public init(_ inner: (any TestObserver)? = nil) {
    self.inner = inner
  }

  /// The record at the test's end (or failure); nil before.
  public var record: TestRecord? { last.withLock { $0 } }

  public func notice(_ text: String) { inner?.notice(text) }

  public func detail(_ text: String) { inner?.detail(text) }

  public func beginTest() { inner?.beginTest() }

  public func connected(_ stream: ConnectedStream, record: TestRecord) {
    inner?.connected(stream, record: record)
  }

  public func started(_ record: TestRecord) { inner?.started(record) }

  public func interval(_ interval: IntervalReport, record: TestRecord) {
    inner?.interval(interval, record: record)
  }

  public func finished(_ record: TestRecord) {
    last.withLock { $0 = record }
    inner?.finished(record)
  }

  public func failed(_ message: String, record: TestRecord) {
    var failed = record
    failed.error = message
    last.withLock { $0 = failed }
    inner?.failed(message, record: record)
  }

  public func stalled(_ streams: [StalledStream], record: TestRecord) {
    inner?.stalled(streams, record: record)
  }

  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    inner?.serverOutput(for: record) ?? (IperfJSON.document(record), nil)
  }

  public func warning(_ text: String) {
    if let inner {
      inner.warning(text)
    } else {
      OutputSink(file: .standardError).line("bondperf: \(text)")
    }
  }
}
