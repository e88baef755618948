/// Passes every event to several observers in order: `--json-stream-full-output`
/// prints the stream's lines and, at the end, the whole `-J` document.
public final class TeeObserver: TestObserver {
  let observers: [any TestObserver]

  public init(_ observers: [any TestObserver]) {
    self.observers = observers
  }

  public func notice(_ text: String) { observers.forEach { $0.notice(text) } }
  public func detail(_ text: String) { observers.forEach { $0.detail(text) } }
  public func connected(_ stream: ConnectedStream, record: TestRecord) {
    observers.forEach { $0.connected(stream, record: record) }
  }
  public func started(_ record: TestRecord) { observers.forEach { $0.started(record) } }
  public func interval(_ interval: IntervalReport, record: TestRecord) {
    observers.forEach { $0.interval(interval, record: record) }
  }
  public func finished(_ record: TestRecord) { observers.forEach { $0.finished(record) } }
  public func failed(_ message: String, record: TestRecord) {
    observers.forEach { $0.failed(message, record: record) }
  }
  public func stalled(_ streams: [StalledStream], record: TestRecord) {
    observers.forEach { $0.stalled(streams, record: record) }
  }
  public func warning(_ text: String) { observers.first?.warning(text) }
  public func beginTest() { observers.forEach { $0.beginTest() } }
  /// The last observer's (the full document's) server output.
  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    observers.last?.serverOutput(for: record) ?? (nil, nil)
  }
}
