import ArgumentParser
import BondPerfCore

/// The iperf3 flags only a client takes: the test it asks the server for, and
/// how it connects. A server refuses them (``MisplacedClientFlags``).
struct ClientOptions: ParsableArguments {
  @Option(
    name: [.customShort("P"), .customLong("parallel")],
    help: "Number of parallel streams (\(TestBounds.streams.helpText)).")
  var parallel: Int = 1

  @Option(
    name: [.customShort("t"), .customLong("time")], help: "Test length in seconds (default 10).")
  var time: Int?

  @Option(
    name: [.customShort("n"), .customLong("bytes")],
    help: "Bytes to send instead of a time (e.g. 500M).")
  var bytes: SizeArgument?

  @Option(
    name: [.customShort("k"), .customLong("blockcount")],
    help: "Blocks to send instead of a time (e.g. 1K).")
  var blocks: SizeArgument?

  @Option(
    name: [.customShort("O"), .customLong("omit")],
    help: "Seconds at the start to leave out of the results.")
  var omit: Int = 0

  @Flag(name: [.customShort("R"), .customLong("reverse")], help: "Reverse: the server sends.")
  var reverse = false

  @Flag(name: .customLong("bidir"), help: "Send and receive at the same time.")
  var bidir = false

  @Option(
    name: [.customShort("l"), .customLong("length")],
    help: "Bytes per read/write (default 128K).")
  var length: SizeArgument?

  @Option(
    name: [.customShort("w"), .customLong("window")],
    help: "Socket buffer size (SO_SNDBUF/SO_RCVBUF).")
  var window: SizeArgument?

  @Option(name: [.customShort("M"), .customLong("set-mss")], help: "TCP maximum segment size.")
  var mss: Int?

  @Flag(name: [.customShort("N"), .customLong("no-delay")], help: "Set TCP_NODELAY.")
  var noDelay = false

  @Option(
    name: [.customShort("C"), .customLong("congestion")], help: "TCP congestion control algorithm.")
  var congestion: String?

  @Option(
    name: .customLong("cport"),
    help: "Source port of stream 1; stream i uses port+i (turns pinning off).")
  var cport: UInt16?

  @Option(
    name: [.customShort("T"), .customLong("title")],
    help: "Prefix for every output line (JSON: title).")
  var title: String?

  @Flag(name: .customLong("get-server-output"), help: "Show the server's output too.")
  var getServerOutput = false

  @Option(
    name: .customLong("connect-timeout"), help: "Milliseconds to wait for each TCP connection.")
  var connectTimeout: Int = 10_000

  @OptionGroup(title: "UDP and rate options") var rates: UDPOptions

  func validate() throws {
    guard TestBounds.streams.contains(parallel) else {
      throw ValidationError("-P must be between \(TestBounds.streams.errorText), got \(parallel).")
    }
    if reverse && bidir { throw ValidationError("-R and --bidir cannot be used together.") }
    let ends = [time != nil, bytes != nil, blocks != nil].filter { $0 }.count
    if ends > 1 {
      throw ValidationError("only one test end condition (-t, -n, -k) may be given.")
    }
    if let time, !TestBounds.seconds.contains(time) {
      throw ValidationError(
        "-t must be between \(TestBounds.seconds.errorText) seconds, got \(time).")
    }
    if let bytes, bytes.bytes <= 0 { throw ValidationError("-n must be more than 0.") }
    if let blocks, blocks.bytes <= 0 { throw ValidationError("-k must be more than 0.") }
    guard (0...600).contains(omit) else {
      throw ValidationError("-O must be between 0 and 600 seconds, got \(omit).")
    }
    if let length, !TestBounds.blockLength.contains(Int(clamping: length.bytes)) {
      throw ValidationError("-l must be between 1 byte and 1M, got \(length.bytes).")
    }
    if let window, !(1024...(1 << 30)).contains(window.bytes) {
      throw ValidationError("-w must be between 1K and 1G, got \(window.bytes).")
    }
    if let mss, !(88...9216).contains(mss) {
      throw ValidationError("-M must be between 88 and 9216, got \(mss).")
    }
    try rates.validate(length: length?.bytes)
    guard (100...600_000).contains(connectTimeout) else {
      throw ValidationError("--connect-timeout must be between 100 and 600000 ms.")
    }
  }

  /// The client's configuration (bond pinning is added by the caller).
  func configuration(host: String, common: CommonOptions) -> ClientConfiguration {
    var configuration = ClientConfiguration(host: host)
    configuration.port = common.port
    configuration.family = common.family
    configuration.interval = common.interval
    configuration.bindAddress = common.bind
    configuration.bindDevice = common.bindDevice
    configuration.connectTimeout = .milliseconds(connectTimeout)
    if let rcvTimeout = common.rcvTimeout { configuration.idleTimeout = .milliseconds(rcvTimeout) }
    configuration.parameters = parameters
    if let cport { configuration.sourcePorts = .consecutive(from: cport) }
    configuration.dataPath = common.dataPath
    return configuration
  }

  /// What the client asks the server for.
  var parameters: TestParameters {
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
    rates.apply(to: &parameters, lengthGiven: length != nil)
    return parameters
  }
}
