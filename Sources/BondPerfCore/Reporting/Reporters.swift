import Foundation
import Synchronization

/// Where reporters write: standard output by default, or a log file (`--logfile`).
public final class OutputSink: Sendable {
  private let handle: FileHandle
  private let captured = Mutex<String?>(nil)

  public init(handle: FileHandle = .standardOutput) {
    self.handle = handle
  }

  /// Appends to `path` (created if missing), as iperf3's `--logfile` does.
  public convenience init(appendingTo path: String) throws {
    if !FileManager.default.fileExists(atPath: path) {
      guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw PerfError("unable to open log file \(path)")
      }
    }
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw PerfError("unable to open log file \(path) for writing")
    }
    handle.seekToEndOfFile()
    self.init(handle: handle)
  }

  public func write(_ text: String) {
    handle.write(Data(text.utf8))
    captured.withLock { if $0 != nil { $0? += text } }
  }

  public func line(_ text: String) { write(text + "\n") }

  /// Starts keeping a copy of what is written (for `--get-server-output`).
  func startCapture() { captured.withLock { $0 = "" } }

  func capturedText() -> String? { captured.withLock { $0 } }
}

/// Prints a test as iperf3 does in text mode, plus bondperf's slave lines.
public final class TextReporter: TestObserver {
  let sink: OutputSink
  let slaveNames: [String]
  private let printedHeader = Mutex<Bool>(false)
  private let endedWithSeparator = Mutex<Bool>(false)

  public init(sink: OutputSink = OutputSink(), slaveNames: [String] = []) {
    self.sink = sink
    self.slaveNames = slaveNames
    sink.startCapture()
  }

  public func notice(_ text: String) { sink.line(text) }

  public func connected(_ stream: ConnectedStream, record: TestRecord) {
    sink.line(TextReport.connected(stream, slaveNames: slaveNames))
  }

  public func started(_ record: TestRecord) {
    guard let start = record.start else { return }
    if start.parameters.reverse && start.role == .client {
      sink.line("Reverse mode, remote host \(start.peerHost) is sending")
    }
  }

  public func interval(_ interval: IntervalReport, record: TestRecord) {
    let sending = interval.streams.contains { $0.localSends && $0.tcp != nil }
    let first = printedHeader.withLock { value -> Bool in
      defer { value = true }
      return !value
    }
    if first { sink.line(TextReport.intervalHeader(sending: sending)) }
    for stream in interval.streams { sink.line(TextReport.intervalLine(stream)) }
    let groups = IperfJSON.groups(record)
    if interval.streams.count > 1 {
      for ids in [groups.primary, groups.bidirReverse] {
        let streams = interval.streams.filter { ids.contains($0.id) }
        if !streams.isEmpty { sink.line(TextReport.intervalSum(streams)) }
      }
    }
    if let first = interval.streams.first {
      for slave in interval.slaves {
        sink.line(TextReport.slaveInterval(slave, start: first.start, end: first.end))
      }
    }
    let separate = interval.streams.count > 1 || !interval.slaves.isEmpty
    if separate { sink.line(TextReport.separator) }
    endedWithSeparator.withLock { $0 = separate }
  }

  public func finished(_ record: TestRecord) {
    if !endedWithSeparator.withLock({ $0 }) { sink.line(TextReport.separator) }
    for line in TextReport.summary(record) { sink.line(line) }
    if let text = record.serverOutputText {
      sink.line("\nServer output:\n" + text)
    }
    if record.start?.role == .client { sink.line("\niperf Done.") }
  }

  public func failed(_ message: String, record: TestRecord) {
    sink.line("bondperf: error - \(message)")
  }

  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    (nil, sink.capturedText())
  }
}

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

/// `--json-stream`: one compact JSON object per line as events happen (iperf3 3.17+).
public final class JSONStreamReporter: TestObserver {
  let sink: OutputSink
  let decorate: @Sendable (TestRecord) -> TestRecord

  public init(sink: OutputSink = OutputSink(), decorate: @escaping @Sendable (TestRecord) -> TestRecord = { $0 }) {
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
