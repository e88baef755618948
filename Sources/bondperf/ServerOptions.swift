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

/// The server's own limits: who may connect, how many streams, how long.
struct ServerOptions: ParsableArguments {
  @Option(
    name: .customLong("max-streams"),
    help: "Refuse tests asking for more parallel streams (-P) than this (1-128, default 128).")
  var maxStreams = 128

  @Option(
    name: .customLong("max-duration"),
    help: "Refuse tests longer than this many seconds; end -n/-k tests at this length.")
  var maxDuration: Int?

  @Option(
    name: .customLong("idle-timeout"),
    help: "Abandon a test when no data moves for this many seconds (default 30).")
  var idleTimeout = 30

  @Option(
    name: .customLong("allow"),
    help: ArgumentHelp(
      "Serve only clients in these networks (repeatable).", valueName: "CIDR[,CIDR...]"))
  var allow: [NetworkList] = []

  func validate() throws {
    guard (1...128).contains(maxStreams) else {
      throw ValidationError("--max-streams must be between 1 and 128, got \(maxStreams).")
    }
    if let maxDuration, !(1...86400).contains(maxDuration) {
      throw ValidationError("--max-duration must be between 1 and 86400 seconds, got \(maxDuration).")
    }
    guard (1...86400).contains(idleTimeout) else {
      throw ValidationError("--idle-timeout must be between 1 and 86400 seconds, got \(idleTimeout).")
    }
  }

  /// Applies these limits to `configuration`.
  func apply(to configuration: inout ServerConfiguration) {
    configuration.maxStreams = maxStreams
    configuration.maxDuration = maxDuration.map { .seconds($0) }
    configuration.idleTimeout = .seconds(idleTimeout)
    configuration.allowedNetworks = allow.flatMap(\.networks)
  }
}
