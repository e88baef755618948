import ArgumentParser
import BondPerfCore

/// `bondperf server` (iperf3's `-s`).
extension Bondperf {
  struct Server: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve iperf3-compatible tests (same as bondperf -s).",
      discussion: """
        The test's streams, length and direction come from each client's request, \
        so the client's flags (-P, -t, -R, ...) are refused here.
        """)
    @OptionGroup var common: CommonOptions
    @OptionGroup(title: "Server options") var options: ServerOptions
    @OptionGroup(title: "iperf3 options") var iperf: IperfCommonOptions
    @OptionGroup(title: "iperf3 server options") var iperfServer: IperfServerOptions
    @OptionGroup var bond: BondOptions
    @OptionGroup(visibility: .hidden) var misplaced: MisplacedClientFlags
    @OptionGroup(visibility: .hidden) var misplacedIperf: MisplacedIperfClientFlags
    @OptionGroup(title: "Authentication") var auth: ServerAuthOptions
    @OptionGroup(visibility: .hidden) var misplacedAuth: MisplacedClientAuthFlags

    func validate() throws {
      try bond.validateSlaveNames()
    }

    func run() async throws {
      try await RunTest.server(
        common: common, options: options, iperf: iperf, iperfServer: iperfServer, bond: bond,
        authentication: try auth.authentication())
    }
  }
}
