/// Everything one test produced, for the reporters.
public struct TestRecord: Sendable {
  public var start: StartInfo?
  public var connected: [ConnectedStream] = []
  public var intervals: [IntervalReport] = []
  public var summary: TestSummary?
  public var error: String?
  public var serverOutputJSON: JSONValue?
  public var serverOutputText: String?
  /// bondperf's own `bond` object for `-J` (set by the pinning layer).
  public var bond: JSONValue?
  /// bondperf's `bondperf` member of `-J` (how it was invoked, its defaults); nil to leave it out.
  public var invocation: JSONValue?
  /// Members of the peer's results beyond iperf3's (a bondperf server's per-slave truth).
  public var peerExtra: [(String, JSONValue)] = []
  /// Streams that stalled while others moved (client only), in the order they were found.
  public var stalledStreams: [StalledStream] = []

  public init() {}
}
