import Synchronization

/// Prints a test as iperf3 does in text mode, plus bondperf's slave lines.
public final class TextReporter: TestObserver {
  let sink: OutputSink
  let slaveNames: [String]
  /// Text printed after the summary and before `iperf Done.` (the client's
  /// per-slave tables and diagnosis), also when an interrupted test ends.
  let trailer: @Sendable (TestRecord) -> String
  private let header = OnceFlag()
  private let endedWithSeparator = Mutex<Bool>(false)
  private let summary = OnceFlag()
  private let slaveLegend = OnceFlag()
  /// iperf3's `-V`: the test's settings when it starts, "Test Complete" before the summary.
  let verbose: Bool

  public init(
    sink: OutputSink = OutputSink(), slaveNames: [String] = [],
    trailer: @escaping @Sendable (TestRecord) -> String = { _ in "" }, verbose: Bool = false
  ) {
    self.sink = sink
    self.slaveNames = slaveNames
    self.trailer = trailer
    self.verbose = verbose
    sink.startCapture()
  }

  public func notice(_ text: String) { sink.line(text) }

  public func detail(_ text: String) { if verbose { sink.line(text) } }

  public func beginTest() { sink.startCapture() }

  public func warning(_ text: String) { sink.line("bondperf: \(text)") }

  public func connected(_ stream: ConnectedStream, record: TestRecord) {
    sink.line(TextReport.connected(stream, slaveNames: slaveNames))
  }

  public func started(_ record: TestRecord) {
    guard let start = record.start else { return }
    // iperf3's server prefixes a test's lines with the client's -T title.
    if start.role == .server { sink.setTestTitle(start.parameters.title) }
    if verbose {
      let parameters = start.parameters
      let ending =
        parameters.num > 0
        ? "\(parameters.num) bytes to send"
        : parameters.blockCount > 0
          ? "\(parameters.blockCount) blocks to send" : "\(parameters.time) second test"
      sink.line(
        "Starting Test: protocol: \(parameters.transport == .udp ? "UDP" : "TCP"), \(parameters.parallel) streams, "
          + "\(parameters.effectiveLength) byte blocks, omitting \(parameters.omit) seconds, "
          + "\(ending), tos \(parameters.tos ?? 0)")
    }
    if start.parameters.reverse && start.role == .client {
      sink.line("Reverse mode, remote host \(start.peerHost) is sending")
    }
  }

  public func interval(_ interval: IntervalReport, record: TestRecord) {
    let isUDP = interval.streams.contains { $0.udp != nil }
    let sending = interval.streams.contains { $0.localSends && $0.tcp != nil }
    let mode = record.start?.parameters.mode ?? .normal
    let role = record.start?.role ?? .client
    if header.claim() {
      sink.line(
        isUDP
          ? TextReport.udpIntervalHeader(
            onlySending: interval.streams.allSatisfy(\.localSends), mode: mode)
          : TextReport.intervalHeader(sending: sending, mode: mode))
    }
    func line(_ stream: StreamInterval, _ tag: String) -> String {
      if let udp = stream.udp { return TextReport.udpIntervalLine(stream, udp, roleTag: tag) }
      return TextReport.intervalLine(stream, roleTag: tag)
    }
    func sum(_ streams: [StreamInterval], _ tag: String) -> String {
      isUDP
        ? TextReport.udpIntervalSum(streams, roleTag: tag)
        : TextReport.intervalSum(streams, roleTag: tag)
    }
    let groups = IperfJSON.groups(record)
    var summed = false
    if mode == .bidirectional {
      // iperf3 prints each direction's streams, then that direction's [SUM].
      for ids in [groups.primary, groups.bidirReverse] {
        let streams = interval.streams.filter { ids.contains($0.id) }
        guard let first = streams.first else { continue }
        let tag = TextReport.roleTag(localSends: first.localSends, role: role, mode: mode)
        for stream in streams { sink.line(line(stream, tag)) }
        if streams.count > 1 {
          sink.line(sum(streams, tag))
          summed = true
        }
      }
    } else {
      for stream in interval.streams { sink.line(line(stream, "")) }
      if interval.streams.count > 1 {
        sink.line(sum(interval.streams, ""))
        summed = true
      }
    }
    if let first = interval.streams.first, !interval.slaves.isEmpty {
      if slaveLegend.claim() { sink.line(TextReport.slaveLegend) }
      for slave in interval.slaves {
        sink.line(TextReport.slaveInterval(slave, start: first.start, end: first.end))
      }
    }
    let separate = summed || !interval.slaves.isEmpty
    if separate { sink.line(TextReport.separator) }
    endedWithSeparator.withLock { $0 = separate }
  }

  public func finished(_ record: TestRecord) {
    printSummary(record)
    if let text = record.serverOutputText {
      sink.line("\nServer output:\n" + text)
    }
    // Before `iperf Done.`, where scripts that parse iperf3's text stop reading.
    writeTrailer(record)
    if record.start?.role == .client { sink.line("\niperf Done.") }
    if record.start?.role == .server { sink.setTestTitle(nil) }
  }

  /// A test that ended early with results (an interrupted client) prints them first,
  /// as iperf3 does, unless ``finished(_:)`` already did.
  public func failed(_ message: String, record: TestRecord) {
    if record.summary != nil {
      printSummary(record)
      writeTrailer(record)
    }
    sink.line("bondperf: error - \(message)")
    if record.start?.role != .client { sink.setTestTitle(nil) }
  }

  private let trailerWritten = OnceFlag()

  private func writeTrailer(_ record: TestRecord) {
    guard trailerWritten.claim() else { return }
    let text = trailer(record)
    if !text.isEmpty { sink.write(text) }
  }

  private func printSummary(_ record: TestRecord) {
    guard summary.claim() else { return }
    if !endedWithSeparator.withLock({ $0 }) { sink.line(TextReport.separator) }
    if verbose { sink.line("Test Complete. Summary Results:") }
    let isUDP = record.summary?.streams.contains { $0.udp != nil } ?? false
    for line in isUDP ? TextReport.udpSummary(record) : TextReport.summary(record) {
      sink.line(line)
    }
  }

  public func stalled(_ streams: [StalledStream], record: TestRecord) {
    sink.line(TextReport.stallWarning(streams, slaveNames: slaveNames))
  }

  public func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) {
    (nil, sink.capturedText())
  }
}
