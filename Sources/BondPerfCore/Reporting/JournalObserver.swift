/// A server's output for the journal (`--journal`): one ``TestLogLine`` per
/// test and the one-line refusals, all on standard error; nothing else.
public final class JournalObserver: TestObserver {
  let sink: OutputSink
  private let logged = OnceFlag()

  public init(sink: OutputSink = OutputSink(file: .standardError)) {
    self.sink = sink
  }

  public func notice(_ text: String) {}
  public func connected(_ stream: ConnectedStream, record: TestRecord) {}
  public func started(_ record: TestRecord) {}
  public func interval(_ interval: IntervalReport, record: TestRecord) {}

  public func finished(_ record: TestRecord) {
    guard logged.claim() else { return }
    sink.line("bondperf: " + TestLogLine.text(record))
  }

  public func failed(_ message: String, record: TestRecord) {
    guard logged.claim() else { return }
    sink.line("bondperf: " + TestLogLine.text(record, failure: message))
  }

  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    (nil, "bondperf: " + TestLogLine.text(record) + "\n")
  }

  public func warning(_ text: String) { sink.line("bondperf: \(text)") }
}
