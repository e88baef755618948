/// What a session reports as a test runs. Called on the session's thread, in order.
public protocol TestObserver: AnyObject, Sendable {
  /// A line of progress for people (connecting, listening, accepted).
  func notice(_ text: String)
  func connected(_ stream: ConnectedStream, record: TestRecord)
  func started(_ record: TestRecord)
  func interval(_ interval: IntervalReport, record: TestRecord)
  func finished(_ record: TestRecord)
  func failed(_ message: String, record: TestRecord)
  /// Streams that just stalled (no data for the stall window while others moved).
  func stalled(_ streams: [StalledStream], record: TestRecord)
  /// The server's own output for a client that asked `--get-server-output`.
  func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?)
  /// One line about something refused or dropped outside a test (a client
  /// outside `--allow`, a connection that never sent its cookie).
  func warning(_ text: String)
  /// A client has connected: what is printed from here on is this test's server
  /// output (`--get-server-output`), without the listening banner before it.
  func beginTest()
  /// A line iperf3 prints only with `-V` (the time, the cookie, the MSS).
  func detail(_ text: String)
}

extension TestObserver {
  public func beginTest() {}
  public func detail(_ text: String) {}
}

extension TestObserver {
  /// Standard error, so a `-J` server's log lines don't corrupt its JSON.
  public func warning(_ text: String) {
    OutputSink(file: .standardError).line("bondperf: \(text)")
  }
}

extension TestObserver {
  /// Stalls are recorded in the test record; observers that print nothing for them need not care.
  public func stalled(_ streams: [StalledStream], record: TestRecord) {}
}
