import ArgumentParser
import BondPerfCore

/// The iperf3 flags that mean the same to `-s`/`server` and `-c`/`client`.
struct CommonOptions: ParsableArguments {
  @Option(
    name: [.customShort("p"), .customLong("port")],
    help: "Server port to listen on or connect to.")
  var port: UInt16 = 5201

  @Option(
    name: [.customShort("i"), .customLong("interval")],
    help: "Seconds between interval reports (0 = none).")
  var interval: Double = 1

  @Flag(
    name: [.customShort("J"), .customLong("json")],
    help: "Print one JSON document (iperf3 -J superset).")
  var json = false

  @Flag(name: .customLong("json-stream"), help: "Print one JSON object per line as events happen.")
  var jsonStream = false

  @Option(
    name: .customLong("logfile"), help: "Append output to this file instead of standard output.")
  var logfile: String?

  @Option(name: [.customShort("B"), .customLong("bind")], help: "Bind to this local address.")
  var bind: IPAddress?

  @Option(
    name: .customLong("bind-dev"),
    help: "Bind sockets to this network device (SO_BINDTODEVICE).")
  var bindDevice: String?

  @Flag(name: [.customShort("4"), .customLong("version4")], help: "Use IPv4 only.")
  var ipv4 = false

  @Flag(name: [.customShort("6"), .customLong("version6")], help: "Use IPv6 only.")
  var ipv6 = false

  @Flag(
    name: [.customShort("Z"), .customLong("zerocopy")],
    help: "Send with sendfile(2) from a memory file instead of send(2) from a buffer.")
  var zerocopy = false

  @Flag(
    name: .customLong("receive-copy"),
    help: """
      Copy received data into user memory, as iperf3 does \
      (default: the kernel discards it, MSG_TRUNC).
      """)
  var receiveCopy = false

  @Option(
    name: .customLong("rcv-timeout"),
    help: ArgumentHelp(
      "Client: end the test when no stream moves data for this long (default 15000). "
        + "Server: wait this long for each control message to start (default 10000).",
      valueName: "ms"))
  var rcvTimeout: Int?

  func validate() throws {
    if ipv4 && ipv6 { throw ValidationError("-4 and -6 cannot be used together.") }
    if json && jsonStream { throw ValidationError("-J and --json-stream cannot be used together.") }
    guard interval == 0 || (0.1...60).contains(interval) else {
      throw ValidationError("-i must be 0 or between 0.1 and 60 seconds, got \(interval).")
    }
    if let rcvTimeout, !(100...3_600_000).contains(rcvTimeout) {
      throw ValidationError("--rcv-timeout must be between 100 and 3600000 ms, got \(rcvTimeout).")
    }
  }

  var family: AddressFamily? { ipv4 ? .ipv4 : (ipv6 ? .ipv6 : nil) }

  /// Whether the output is JSON (`-J` or `--json-stream`), which leaves no room for notes.
  var isJSON: Bool { json || jsonStream }

  func makeSink() throws -> OutputSink {
    if let logfile { return try OutputSink(appendingTo: logfile) }
    return OutputSink()
  }

  func makeObserver(
    sink: OutputSink, slaveNames: [String] = [],
    decorate: @escaping @Sendable (TestRecord) -> TestRecord = { $0 },
    trailer: @escaping @Sendable (TestRecord) -> String = { _ in "" }, fullJSON: Bool = false,
    verbose: Bool = false
  ) -> any TestObserver {
    if json { return JSONReporter(sink: sink, decorate: decorate) }
    if jsonStream && fullJSON {
      return TeeObserver([
        JSONStreamReporter(sink: sink, decorate: decorate),
        JSONReporter(sink: sink, decorate: decorate),
      ])
    }
    if jsonStream { return JSONStreamReporter(sink: sink, decorate: decorate) }
    return TextReporter(sink: sink, slaveNames: slaveNames, trailer: trailer, verbose: verbose)
  }

  /// `-Z` and `--receive-copy`: how this process's streams move bytes.
  var dataPath: DataPath {
    DataPath(sendsFromFile: zerocopy, receiveCopies: receiveCopy)
  }
}
