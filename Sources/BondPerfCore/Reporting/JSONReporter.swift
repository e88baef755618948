/// Prints one `-J` document per test, at its end (also on failure).
public final class JSONReporter: TestObserver {
  let sink: OutputSink
  /// Called with the final document before it is printed (the bond layer adds `bond`).
  let decorate: @Sendable (TestRecord) -> TestRecord

  public init(sink: OutputSink = OutputSink(), decorate: @escaping @Sendable (TestRecord) -> TestRecord = { $0 }) {
    self.sink = sink
    self.decorate = decorate
  }

  public func notice(_ text: String) {}
  public func connected(_ stream: ConnectedStream, record: TestRecord) {}
  public func started(_ record: TestRecord) {}
  public func interval(_ interval: IntervalReport, record: TestRecord) {}

  public func finished(_ record: TestRecord) {
    sink.line(IperfJSON.document(decorate(record)).iperf3PrettyText)
  }

  public func failed(_ message: String, record: TestRecord) {
    var record = record
    record.error = message
    sink.line(IperfJSON.document(decorate(record)).iperf3PrettyText)
  }

  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    (IperfJSON.document(decorate(record)), nil)
  }
}
