import ArgumentParser
import BondPerfCore

/// `--allow`'s value: one or more comma-separated address prefixes.
struct NetworkList: ExpressibleByArgument {
  var networks: [IPNetwork]

  init?(argument: String) {
    var networks: [IPNetwork] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      guard let network = IPNetwork(part.trimmingPrefix(" ")) else { return nil }
      networks.append(network)
    }
    self.networks = networks
  }
}

/// The flags only a server takes: one-off, and its own limits (who may connect,
/// how many streams, how long). A client refuses them (``MisplacedServerFlags``).
struct ServerOptions: ParsableArguments {
  @Flag(name: [.customShort("1"), .customLong("one-off")], help: "Serve one test, then exit.")
  var oneOff = false

  @Option(
    name: .customLong("max-streams"),
    help: """
      Refuse tests asking for more parallel streams (-P) than this \
      (\(TestBounds.streams.helpText), default \(TestBounds.streams.upperBound)).
      """)
  var maxStreams = TestBounds.streams.upperBound

  @Option(
    name: .customLong("max-duration"),
    help: "Refuse tests longer than this many seconds; end -n/-k tests at this length.")
  var maxDuration: Int?

  @Option(
    name: .customLong("idle-timeout"),
    help: """
      iperf3's meaning: when no client connects for this many seconds, restart the \
      listener; with -1, exit (default: wait forever).
      """)
  var idleTimeout: Int?

  @Option(
    name: .customLong("data-idle-timeout"),
    help: "Abandon a test when no data moves for this many seconds (default 30; as iperf3: 120).")
  var dataIdleTimeout: Int?

  @Option(
    name: .customLong("allow"),
    help: ArgumentHelp(
      "Serve only clients in these networks (repeatable).", valueName: "CIDR[,CIDR...]"))
  var allow: [NetworkList] = []

  @Flag(
    name: .customLong("journal"),
    help: """
      Log for the journal: one line per test (client, streams, result) and the \
      refusals on standard error, instead of iperf3's report.
      """)
  var journal = false

  func validate() throws {
    guard TestBounds.streams.contains(maxStreams) else {
      throw ValidationError(
        "--max-streams must be between \(TestBounds.streams.errorText), got \(maxStreams).")
    }
    if let maxDuration, !TestBounds.seconds.contains(maxDuration) {
      throw ValidationError(
        "--max-duration must be between \(TestBounds.seconds.errorText) seconds, "
          + "got \(maxDuration).")
    }
    if let idleTimeout, !TestBounds.seconds.contains(idleTimeout) {
      throw ValidationError(
        "--idle-timeout must be between \(TestBounds.seconds.errorText) seconds, "
          + "got \(idleTimeout).")
    }
    if let dataIdleTimeout, !TestBounds.seconds.contains(dataIdleTimeout) {
      throw ValidationError(
        "--data-idle-timeout must be between \(TestBounds.seconds.errorText) seconds, "
          + "got \(dataIdleTimeout).")
    }
  }

  /// The server's configuration: the common flags, then these.
  func configuration(common: CommonOptions) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.port = common.port
    configuration.bindAddress = common.bind
    configuration.family = common.family
    configuration.bindDevice = common.bindDevice
    configuration.interval = common.interval
    if let rcvTimeout = common.rcvTimeout {
      configuration.receiveTimeout = .milliseconds(rcvTimeout)
    }
    configuration.dataPath = common.dataPath
    configuration.oneOff = oneOff
    apply(to: &configuration)
    return configuration
  }

  /// Applies these limits to `configuration`.
  func apply(to configuration: inout ServerConfiguration) {
    configuration.maxStreams = maxStreams
    configuration.maxDuration = maxDuration.map { .seconds($0) }
    configuration.idleTimeout = .seconds(dataIdleTimeout ?? (Personality.isIperf3 ? 120 : 30))
    configuration.restartAfterIdle = idleTimeout.map { .seconds($0) }
    configuration.allowedNetworks = allow.flatMap(\.networks)
  }
}
