/// Prints one `-J` document per test, at its end (also on failure).
public final class JSONReporter: TestObserver {
  let sink: OutputSink
  private let document = OnceFlag()
  /// Called with the final document before it is printed (the bond layer adds `bond`).
  let decorate: @Sendable (TestRecord) -> TestRecord

  public init(
    sink: OutputSink = OutputSink(),
    decorate: @escaping @Sendable (TestRecord) -> TestRecord = { $0 }
  ) {
    self.sink = sink
    self.decorate = decorate
  }

  public func notice(_ text: String) {}
  public func connected(_ stream: ConnectedStream, record: TestRecord) {}
  public func started(_ record: TestRecord) {}
  public func interval(_ interval: IntervalReport, record: TestRecord) {}

  public func finished(_ record: TestRecord) {
    printDocument(record)
  }

  /// The document with an `error` key. A failure after the document went out (a
  /// server whose results exchange breaks) goes to standard error instead, so the
  /// output stays one document per test.
  public func failed(_ message: String, record: TestRecord) {
    var record = record
    record.error = message
    if !printDocument(record) { warning("error - \(message)") }
  }

  /// Prints the test's document unless one was printed already; false then.
  @discardableResult
  private func printDocument(_ record: TestRecord) -> Bool {
    guard document.claim() else { return false }
    sink.line(IperfJSON.document(decorate(record)).iperf3PrettyText)
    return true
  }

  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    (IperfJSON.document(decorate(record)), nil)
  }
}
