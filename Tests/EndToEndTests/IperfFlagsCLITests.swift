import ArgumentParser
import BondPerfCore
import Foundation
import Testing

@testable import bondperf

/// iperf3 3.21's flags as the CLI parses them: each reaches the configuration with
/// iperf3's meaning, or is refused with a one-line reason.
struct IperfFlagsCLITests {
  private func parse(_ arguments: [String]) throws -> any ParsableCommand {
    try Bondperf.parseAsRoot(
      try IperfSpelling.rewrite(IperfSpelling.expandOptionalValues(arguments)))
  }

  @Test func clientFlagsReachTheConfiguration() throws {
    let client = try #require(
      try parse([
        "-c", "::1", "-S", "0x20", "-L", "1234", "--extra-data", "fleet", "--repeating-payload",
        "--dont-fragment", "-A", "1,0", "--snd-timeout", "5000", "--cntl-ka=10/3/4", "-m",
        "--skip-rx-copy", "--gsro", "-f", "M", "-V", "-d", "--timestamps", "-I", "/tmp/x.pid",
      ]) as? Bondperf.Client)
    var configuration = client.options.configuration(host: client.host, common: client.common)
    RunTest.configure(
      &configuration, common: client.common, options: client.options, iperf: client.iperf,
      iperfClient: client.iperfClient)
    let parameters = configuration.parameters
    #expect(parameters.tos == 32)
    #expect(configuration.tuning.typeOfService == 32)
    #expect(parameters.flowLabel == 1234)
    #expect(configuration.tuning.flowLabel == 1234)
    #expect(parameters.extraData == "fleet")
    #expect(parameters.repeatingPayload && configuration.dataPath.repeatingPayload)
    #expect(parameters.dontFragment && configuration.tuning.dontFragment)
    #expect(configuration.cpuAffinity == 1 && parameters.serverAffinity == 0)
    #expect(configuration.tuning.sendTimeoutMilliseconds == 5000)
    #expect(configuration.tuning.controlKeepAlive == KeepAlive(idle: 10, interval: 3, count: 4))
    #expect(configuration.tuning.multipath && parameters.multipath)
    #expect(parameters.skipReceiveCopy && !configuration.dataPath.receiveCopies)
    #expect(client.iperf.debug == 4)
    #expect(client.iperf.timestamps == "%c ")
    #expect(client.iperf.verbose)
    #expect(client.iperf.gsro)
    // iperf3 reads the parameters by these names.
    let keys = parameters.json.objectKeys
    for key in ["TOS", "flowlabel", "server_affinity", "mptcp", "repeating_payload"] {
      #expect(keys.contains(key), "\(key) not sent")
    }
  }

  @Test func dscpNamesAndNumbers() {
    #expect(IperfClientOptions.dscpValue("ef") == 46)
    #expect(IperfClientOptions.dscpValue("AF41") == 34)
    #expect(IperfClientOptions.dscpValue("0x2e") == 46)
    #expect(IperfClientOptions.dscpValue("64") == nil)
    #expect(IperfClientOptions.number("064") == 52)
    #expect(IperfClientOptions.number("0x34") == 52)
    #expect(IperfClientOptions.number("52") == 52)
  }

  @Test func affinityIsReadAsIperf3ReadsIt() throws {
    for (text, local, server) in [("2/2", 2, nil), ("1,0", 1, 0), ("0", 0, nil)]
      as [(String, Int, Int?)]
    {
      let client = try #require(try parse(["-c", "h", "-A", text]) as? Bondperf.Client)
      let cpus = try #require(try client.iperf.cpus())
      #expect(cpus.local == local && cpus.server == server, "-A \(text)")
    }
  }

  @Test func serverFlagsReachTheConfiguration() throws {
    let server = try #require(
      try parse([
        "-s", "-1", "--idle-timeout", "7", "--data-idle-timeout", "9",
        "--server-bitrate-limit", "1G/3", "--server-max-duration", "60", "-D",
      ]) as? Bondperf.Server)
    var configuration = server.options.configuration(common: server.common)
    server.iperfServer.apply(to: &configuration)
    #expect(configuration.restartAfterIdle == .seconds(7))
    #expect(configuration.idleTimeout == .seconds(9))
    #expect(configuration.bitrateLimit == 1_000_000_000)
    #expect(configuration.bitrateAveragingSeconds == 3)
    #expect(configuration.maxDuration == .seconds(60))
    #expect(server.iperfServer.daemon)
  }

  @Test func bindAddressWithDeviceIsSplit() {
    #expect(
      IperfSpelling.expandOptionalValues(["-c", "h", "-B", "10.0.0.1%eth0"])
        == ["-c", "h", "-B", "10.0.0.1", "--bind-dev", "eth0"])
  }

  @Test(arguments: [
    (["-c", "h", "--sctp"], "SCTP is not supported"),
    (["-c", "h", "-D"], "-D is a server option"),
    (["-c", "h", "--server-bitrate-limit", "1G"], "--server-bitrate-limit is a server option"),
    (["-s", "-S", "32"], "-S is a client option"),
    (["-s", "-L", "5"], "-L is a client option"),
    (["-c", "h", "-S", "300"], "-S must be 0-255"),
    (["-c", "h", "--dscp", "bogus"], "--dscp must be"),
    (["-c", "h", "-f", "x"], "-f takes one of"),
    (["-s", "--server-bitrate-limit", "fast"], "--server-bitrate-limit takes a rate"),
  ])
  func refusedWithTheReason(_ arguments: [String], _ reason: String) {
    do {
      _ = try parse(arguments)
      Issue.record("\(arguments) parsed")
    } catch {
      let message = Bondperf.message(for: error)
      #expect(message.contains(reason), "\(arguments): \(message)")
    }
  }
}

extension JSONValue {
  fileprivate var objectKeys: [String] {
    if case .object(let members) = self { return members.map(\.0) }
    return []
  }
}
