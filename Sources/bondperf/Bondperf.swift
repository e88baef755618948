import ArgumentParser
import BondPerfCore

@main
struct Bondperf: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bondperf",
    abstract: "Throughput tester for bonded Linux links, speaking iperf3's protocol.",
    discussion: """
      iperf3's spelling works: bondperf -s starts a server, bondperf -c HOST runs a test
      (stream i pinned to slave i when a bond is known). The subcommands below do the rest.
      """,
    version: BondPerfVersion.string,
    subcommands: [
      Client.self, Server.self, Hash.self, Plan.self, Inspect.self,
    ])

  @Flag(name: [.customShort("s"), .customLong("server")], help: "Run as a server.")
  var server = false

  @Option(name: [.customShort("c"), .customLong("client")], help: "Run as a client of this host.")
  var client: String?

  @OptionGroup var options: TestOptions
  @OptionGroup var bond: BondOptions

  func validate() throws {
    // ArgumentParser validates the root too when a subcommand runs, so the
    // "neither -s nor -c" check lives in run(), which only the root form reaches.
    if server && client != nil { throw ValidationError("-s and -c cannot be used together.") }
    if client != nil {
      try options.validateClient()
      try bond.validate(options: options)
    } else if server {
      try options.validateCommon()
    }
  }

  func run() async throws {
    if let client {
      try await RunTest.client(host: client, options: options, bond: bond)
    } else if server {
      try await RunTest.server(options: options, bond: bond)
    } else {
      throw ValidationError("give -s (server) or -c HOST (client), or a subcommand; see --help.")
    }
  }
}
