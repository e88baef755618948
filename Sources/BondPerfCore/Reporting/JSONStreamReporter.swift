/// `--json-stream`: one compact JSON object per line as events happen (iperf3 3.17+).
public final class JSONStreamReporter: TestObserver {
  let sink: OutputSink
  let decorate: @Sendable (TestRecord) -> TestRecord

  public init(
    sink: OutputSink = OutputSink(),
    decorate: @escaping @Sendable (TestRecord) -> TestRecord = { $0 }
  ) {
    self.sink = sink
    self.decorate = decorate
  }

  private func emit(_ event: String, _ data: JSONValue) {
    sink.write(JSONValue.object([("event", .string(event)), ("data", data)]).jsonLineText)
  }

  public func notice(_ text: String) {}
  public func connected(_ stream: ConnectedStream, record: TestRecord) {}

  public func started(_ record: TestRecord) {
    emit("start", IperfJSON.start(record))
  }

  public func interval(_ interval: IntervalReport, record: TestRecord) {
    emit("interval", IperfJSON.interval(interval, record))
  }

  public func finished(_ record: TestRecord) {
    let record = decorate(record)
    if let json = record.serverOutputJSON { emit("server_output_json", json) }
    if let text = record.serverOutputText { emit("server_output_text", .string(text)) }
    if let bond = record.bond { emit("bond", bond) }
    emit("end", IperfJSON.end(record))
  }

  public func failed(_ message: String, record: TestRecord) {
    emit("error", .string(message))
    emit("end", IperfJSON.end(record))
  }

  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    (IperfJSON.document(decorate(record)), nil)
  }
}
