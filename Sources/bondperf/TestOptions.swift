import ArgumentParser
import BondPerfCore

/// A size in iperf3's spelling (`128K`, `1M`; 1024s).
struct SizeArgument: ExpressibleByArgument, Hashable {
  var bytes: Int64
  init?(argument: String) {
    guard let value = Units.parseSize(argument) else { return nil }
    bytes = value
  }
}

/// The flags iperf3 users know, shared by `-s`/`server` and `-c`/`client`.
struct TestOptions: ParsableArguments {
  @Option(name: [.customShort("p"), .customLong("port")], help: "Server port to listen on or connect to.")
  var port: UInt16 = 5201

  @Option(name: [.customShort("i"), .customLong("interval")], help: "Seconds between interval reports (0 = none).")
  var interval: Double = 1

  @Flag(name: [.customShort("J"), .customLong("json")], help: "Print one JSON document (iperf3 -J superset).")
  var json = false

  @Flag(name: .customLong("json-stream"), help: "Print one JSON object per line as events happen.")
  var jsonStream = false

  @Option(name: .customLong("logfile"), help: "Append output to this file instead of standard output.")
  var logfile: String?

  @Option(name: [.customShort("B"), .customLong("bind")], help: "Bind to this local address.")
  var bind: IPAddress?

  @Option(name: .customLong("bind-dev"), help: "Bind sockets to this network device (SO_BINDTODEVICE).")
  var bindDevice: String?

  @Flag(name: [.customShort("4"), .customLong("version4")], help: "Use IPv4 only.")
  var ipv4 = false

  @Flag(name: [.customShort("6"), .customLong("version6")], help: "Use IPv6 only.")
  var ipv6 = false

  @Flag(name: [.customShort("1"), .customLong("one-off")], help: "Server: serve one test, then exit.")
  var oneOff = false

  // Client flags.
  @Option(name: [.customShort("P"), .customLong("parallel")], help: "Number of parallel streams (1-128).")
  var parallel: Int = 1

  @Option(name: [.customShort("t"), .customLong("time")], help: "Test length in seconds (default 10).")
  var time: Int?

  @Option(name: [.customShort("n"), .customLong("bytes")], help: "Bytes to send instead of a time (e.g. 500M).")
  var bytes: SizeArgument?

  @Option(name: [.customShort("k"), .customLong("blockcount")], help: "Blocks to send instead of a time (e.g. 1K).")
  var blocks: SizeArgument?

  @Option(name: [.customShort("O"), .customLong("omit")], help: "Seconds at the start to leave out of the results.")
  var omit: Int = 0

  @Flag(name: [.customShort("R"), .customLong("reverse")], help: "Reverse: the server sends.")
  var reverse = false

  @Flag(name: .customLong("bidir"), help: "Send and receive at the same time.")
  var bidir = false

  @Option(name: [.customShort("l"), .customLong("length")], help: "Bytes per read/write (default 128K).")
  var length: SizeArgument?

  @Flag(name: [.customShort("Z"), .customLong("zerocopy")], help: "Send with sendfile(2) from a memory file instead of send(2) from a buffer.")
  var zerocopy = false

  @Flag(name: .customLong("receive-copy"), help: "Copy received data into user memory, as iperf3 does (default: the kernel discards it, MSG_TRUNC).")
  var receiveCopy = false

  @Option(name: [.customShort("w"), .customLong("window")], help: "Socket buffer size (SO_SNDBUF/SO_RCVBUF).")
  var window: SizeArgument?

  @Option(name: [.customShort("M"), .customLong("set-mss")], help: "TCP maximum segment size.")
  var mss: Int?

  @Flag(name: [.customShort("N"), .customLong("no-delay")], help: "Set TCP_NODELAY.")
  var noDelay = false

  @Option(name: [.customShort("C"), .customLong("congestion")], help: "TCP congestion control algorithm.")
  var congestion: String?

  @Option(name: .customLong("cport"), help: "Source port of stream 1; stream i uses port+i (turns pinning off).")
  var cport: UInt16?

  @Option(name: [.customShort("T"), .customLong("title")], help: "Prefix for every output line (JSON: title).")
  var title: String?

  @Flag(name: .customLong("get-server-output"), help: "Show the server's output too.")
  var getServerOutput = false

  @Option(name: .customLong("connect-timeout"), help: "Milliseconds to wait for each TCP connection.")
  var connectTimeout: Int = 10_000

  @Option(
    name: .customLong("rcv-timeout"),
    help: ArgumentHelp(
      "Client: end the test when no stream moves data for this long (default 15000). "
        + "Server: wait this long for each control message to start (default 10000).",
      valueName: "ms"))
  var rcvTimeout: Int?

  func validateCommon() throws {
    if ipv4 && ipv6 { throw ValidationError("-4 and -6 cannot be used together.") }
    if json && jsonStream { throw ValidationError("-J and --json-stream cannot be used together.") }
    guard interval == 0 || (0.1...60).contains(interval) else {
      throw ValidationError("-i must be 0 or between 0.1 and 60 seconds, got \(interval).")
    }
    if let rcvTimeout, !(100...3_600_000).contains(rcvTimeout) {
      throw ValidationError("--rcv-timeout must be between 100 and 3600000 ms, got \(rcvTimeout).")
    }
  }

  func validateClient() throws {
    try validateCommon()
    guard (1...128).contains(parallel) else {
      throw ValidationError("-P must be between 1 and 128, got \(parallel).")
    }
    if reverse && bidir { throw ValidationError("-R and --bidir cannot be used together.") }
    let ends = [time != nil, bytes != nil, blocks != nil].filter { $0 }.count
    if ends > 1 {
      throw ValidationError("only one test end condition (-t, -n, -k) may be given.")
    }
    if let time, !(1...86400).contains(time) {
      throw ValidationError("-t must be between 1 and 86400 seconds, got \(time).")
    }
    if let bytes, bytes.bytes <= 0 { throw ValidationError("-n must be more than 0.") }
    if let blocks, blocks.bytes <= 0 { throw ValidationError("-k must be more than 0.") }
    guard (0...600).contains(omit) else {
      throw ValidationError("-O must be between 0 and 600 seconds, got \(omit).")
    }
    if let length, !(1...(1 << 20)).contains(length.bytes) {
      throw ValidationError("-l must be between 1 byte and 1M, got \(length.bytes).")
    }
    if let window, !(1024...(1 << 30)).contains(window.bytes) {
      throw ValidationError("-w must be between 1K and 1G, got \(window.bytes).")
    }
    if let mss, !(88...9216).contains(mss) {
      throw ValidationError("-M must be between 88 and 9216, got \(mss).")
    }
    guard (100...600_000).contains(connectTimeout) else {
      throw ValidationError("--connect-timeout must be between 100 and 600000 ms.")
    }
  }

  var family: AddressFamily? { ipv4 ? .ipv4 : (ipv6 ? .ipv6 : nil) }

  func makeSink() throws -> OutputSink {
    if let logfile { return try OutputSink(appendingTo: logfile) }
    return OutputSink()
  }

  func makeObserver(sink: OutputSink, slaveNames: [String] = [], decorate: @escaping @Sendable (TestRecord) -> TestRecord = { $0 }) -> any TestObserver {
    if json { return JSONReporter(sink: sink, decorate: decorate) }
    if jsonStream { return JSONStreamReporter(sink: sink, decorate: decorate) }
    return TextReporter(sink: sink, slaveNames: slaveNames)
  }

  /// The client's configuration (bond pinning is added by the caller).
  func clientConfiguration(host: String) -> ClientConfiguration {
    var configuration = ClientConfiguration(host: host)
    configuration.port = port
    configuration.family = family
    configuration.interval = interval
    configuration.bindAddress = bind
    configuration.bindDevice = bindDevice
    configuration.connectTimeout = .milliseconds(connectTimeout)
    if let rcvTimeout { configuration.idleTimeout = .milliseconds(rcvTimeout) }
    var parameters = TestParameters()
    parameters.parallel = parallel
    parameters.omit = omit
    parameters.time = (bytes != nil || blocks != nil) ? 0 : (time ?? 10)
    parameters.num = bytes?.bytes ?? 0
    parameters.blockCount = blocks?.bytes ?? 0
    parameters.reverse = reverse
    parameters.bidirectional = bidir
    if let length { parameters.length = Int(length.bytes) }
    if let window { parameters.window = Int(window.bytes) }
    parameters.mss = mss
    parameters.noDelay = noDelay
    parameters.congestion = congestion
    parameters.title = title
    parameters.getServerOutput = getServerOutput
    configuration.parameters = parameters
    if let cport { configuration.sourcePorts = .consecutive(from: cport) }
    configuration.dataPath = dataPath
    return configuration
  }

  func serverConfiguration() -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.port = port
    configuration.bindAddress = bind
    configuration.family = family
    configuration.bindDevice = bindDevice
    configuration.oneOff = oneOff
    configuration.interval = interval
    if let rcvTimeout { configuration.receiveTimeout = .milliseconds(rcvTimeout) }
    configuration.dataPath = dataPath
    return configuration
  }

  /// `-Z` and `--receive-copy`: how this process's streams move bytes.
  var dataPath: DataPath {
    DataPath(sendsFromFile: zerocopy, receiveCopies: receiveCopy)
  }
}
