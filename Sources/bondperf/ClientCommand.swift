import ArgumentParser
import BondPerfCore

/// `bondperf client HOST` (iperf3's `-c HOST`).
extension Bondperf {
  struct Client: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a test against a bondperf or iperf3 server (same as bondperf -c HOST).")
    @Argument(help: "The server's host name or address.")
    var host: String
    @OptionGroup var common: CommonOptions
    @OptionGroup(title: "Client options") var options: ClientOptions
    @OptionGroup(title: "iperf3 options") var iperf: IperfCommonOptions
    @OptionGroup(title: "iperf3 client options") var iperfClient: IperfClientOptions
    @OptionGroup var bond: BondOptions
    @OptionGroup var pinning: PinningOptions
    @OptionGroup var prometheus: PrometheusOption
    @OptionGroup(visibility: .hidden) var misplaced: MisplacedServerFlags
    @OptionGroup(visibility: .hidden) var misplacedIperf: MisplacedIperfServerFlags
    @OptionGroup(title: "Authentication") var auth: ClientAuthOptions
    @OptionGroup(visibility: .hidden) var misplacedAuth: MisplacedServerAuthFlags

    func validate() throws {
      try bond.validateClient(pinning: pinning, cport: options.cport)
    }

    func run() async throws {
      try await RunTest.client(
        host: host, common: common, options: options, iperf: iperf, iperfClient: iperfClient,
        bond: bond, pinning: pinning, authentication: try auth.authentication(),
        prometheus: prometheus)
    }
  }
}
