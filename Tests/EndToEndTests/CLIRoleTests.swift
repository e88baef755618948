import ArgumentParser
import BondPerfCore
import Foundation
import Testing

@testable import bondperf

/// The client and the server each take only their own flags, and say so by name.
struct CLIRoleTests {
  /// The message `bondperf` prints for `arguments`, or nil if they parse.
  static func error(_ arguments: [String]) -> String? {
    do {
      _ = try Bondperf.parseAsRoot(try IperfSpelling.rewrite(arguments))
      return nil
    } catch {
      return Bondperf.message(for: error)
    }
  }

  static let parallelRefused =
    "-P is a client option; the server takes its streams from the client's request."

  @Test(arguments: [
    (["server", "-P", "4"], CLIRoleTests.parallelRefused),
    (["-s", "-P", "4"], CLIRoleTests.parallelRefused),
    (["server", "--parallel", "4"], "-P is a client option"),
    (["server", "-R"], "-R is a client option; the server takes the direction"),
    (["-s", "--bidir"], "--bidir is a client option"),
    (["-s", "-t", "30"], "-t is a client option"),
    (["server", "--no-pin"], "--no-pin is a client option"),
    (["-s", "--slaves", "s0,s1", "--peer-slaves", "2"], "--peer-slaves is a client option"),
    (["-s", "--prometheus", "/tmp/x.prom"], "--prometheus is a client option; a server's tests"),
  ])
  func serverRefusesClientFlagsByName(arguments: [String], fragment: String) throws {
    let message = try #require(Self.error(arguments), "\(arguments) must not parse")
    #expect(message.contains(fragment), "\(message)")
    #expect(!message.contains("\n"), "one line: \(message)")
  }

  @Test(arguments: [
    (["client", "host", "-1"], "-1 is a server option"),
    (["-c", "host", "--one-off"], "-1 is a server option"),
    (["-c", "host", "--max-streams", "4"], "--max-streams is a server option"),
    (["client", "host", "--allow", "10.0.0.0/8"], "--allow is a server option"),
    (["client", "host", "--idle-timeout", "5"], "--idle-timeout is a server option"),
  ])
  func clientRefusesServerFlagsByName(arguments: [String], fragment: String) throws {
    let message = try #require(Self.error(arguments), "\(arguments) must not parse")
    #expect(message.contains(fragment), "\(message)")
  }

  /// The long names in a help text, each with whether it takes a value.
  static func longOptions(in help: String) -> [(name: String, takesValue: Bool)] {
    help.split(separator: "\n").compactMap { line in
      let words = line.split(separator: " ").map { $0.trimmingCharacters(in: [","]) }
      guard let index = words.firstIndex(where: { $0.hasPrefix("--") }) else { return nil }
      let name = words[index]
      guard name != "--help", name != "--version" else { return nil }
      let takesValue = words.indices.contains(index + 1) && words[index + 1].hasPrefix("<")
      return (name, takesValue)
    }
  }

  @Test func everyClientFlagIsRefusedByTheServer() throws {
    let help =
      ClientOptions.helpMessage(columns: 200) + "\n"
      + PinningOptions.helpMessage(columns: 200) + "\n"
      + PrometheusOption.helpMessage(columns: 200)
    let options = Self.longOptions(in: help)
    #expect(options.count >= 20, "\(options.map(\.name))")
    for option in options {
      let arguments = ["server", option.name] + (option.takesValue ? ["1"] : [])
      let message = Self.error(arguments) ?? ""
      #expect(message.contains("is a client option"), "\(arguments): \(message)")
    }
  }

  @Test func everyServerFlagIsRefusedByTheClient() throws {
    let options = Self.longOptions(in: ServerOptions.helpMessage(columns: 200))
    #expect(options.map(\.name).contains("--one-off"))
    for option in options {
      let arguments = ["client", "host", option.name] + (option.takesValue ? ["1"] : [])
      let message = Self.error(arguments) ?? ""
      #expect(message.contains("is a server option"), "\(arguments): \(message)")
    }
  }

  @Test func serverHelpListsOnlyServerFlags() {
    let help = Bondperf.helpMessage(for: Bondperf.Server.self, columns: 200)
    // "-P" itself appears in prose ("more parallel streams (-P)"); its option line doesn't.
    for flag in ["-P, --parallel", "--reverse", "--bidir", "--cport", "--peer-slaves", "--no-pin"] {
      #expect(!help.contains(flag), "server help lists \(flag)")
    }
    for flag in ["--one-off", "--max-streams", "--port", "--json", "--slaves", "--rcv-timeout"] {
      #expect(help.contains(flag), "server help lacks \(flag)")
    }
  }

  @Test func clientHelpListsOnlyClientFlags() {
    let help = Bondperf.helpMessage(for: Bondperf.Client.self, columns: 200)
    for flag in ["--one-off", "--max-streams", "--max-duration", "--allow", "--idle-timeout"] {
      #expect(!help.contains(flag), "client help lists \(flag)")
    }
    for flag in ["--parallel", "--reverse", "--peer-slaves", "--port", "--slaves"] {
      #expect(help.contains(flag), "client help lacks \(flag)")
    }
  }

  @Test func serverSpellingsStillParse() throws {
    let parsed = try Bondperf.parseAsRoot(
      try IperfSpelling.rewrite([
        "-s", "-p", "5202", "-1", "-J", "--max-streams", "4", "--max-duration", "60",
        "--idle-timeout", "5", "--allow", "198.18.0.0/15", "--rcv-timeout", "1000",
        "--bond-policy", "layer3+4", "--slaves", "lo", "-B", "127.0.0.1", "-4", "-Z",
      ]))
    let server = try #require(parsed as? Bondperf.Server)
    #expect(server.common.port == 5202)
    #expect(server.options.oneOff)
    #expect(server.options.maxStreams == 4)
    #expect(server.bond.slaveList?.names == ["lo"])
    let configuration = server.options.configuration(common: server.common)
    #expect(configuration.oneOff)
    #expect(configuration.maxStreams == 4)
    #expect(configuration.receiveTimeout == .milliseconds(1000))
    #expect(configuration.family == .ipv4)
    #expect(configuration.dataPath.sendsFromFile)
  }

  @Test func serverDefaultsComeFromTheSharedBounds() throws {
    let parsed = try Bondperf.parseAsRoot(["server"])
    let server = try #require(parsed as? Bondperf.Server)
    #expect(server.options.maxStreams == TestBounds.streams.upperBound)
    #expect(!server.options.oneOff)
  }

  @Test func clientSpellingsStillParse() throws {
    let parsed = try Bondperf.parseAsRoot(
      try IperfSpelling.rewrite([
        "-c", "host", "-p", "5202", "-P", "4", "-t", "5", "-R", "-O", "1", "-l", "64K",
        "-w", "1M", "-M", "1400", "-N", "-C", "cubic", "-T", "x", "--get-server-output",
        "--connect-timeout", "500", "--rcv-timeout", "2000", "-i", "0.5", "--json-stream",
        "--bond-policy", "layer2+3", "--slaves", "4", "--peer-slaves", "2", "--no-pin",
        "--port-range", "50000-50999", "--kernel", "6.1", "--local-mac", "02:00:00:00:00:01",
        "--remote-mac", "02:00:00:00:00:02",
      ]))
    let client = try #require(parsed as? Bondperf.Client)
    #expect(client.host == "host")
    #expect(client.pinning.peerSlaves == 2)
    #expect(client.pinning.noPin)
    #expect(client.bond.bondPolicy == .layer2_3)
    let configuration = client.options.configuration(host: client.host, common: client.common)
    #expect(configuration.port == 5202)
    #expect(configuration.interval == 0.5)
    #expect(configuration.connectTimeout == .milliseconds(500))
    #expect(configuration.idleTimeout == .milliseconds(2000))
    let parameters = configuration.parameters
    #expect(parameters.parallel == 4)
    #expect(parameters.time == 5)
    #expect(parameters.mode == .reverse)
    #expect(parameters.omit == 1)
    #expect(parameters.length == 65536)
    #expect(parameters.window == 1 << 20)
    #expect(parameters.mss == 1400)
    #expect(parameters.noDelay)
    #expect(parameters.congestion == "cubic")
    #expect(parameters.title == "x")
    #expect(parameters.getServerOutput)
  }

  @Test func cportStaysAClientFlag() throws {
    let parsed = try Bondperf.parseAsRoot(["client", "host", "--cport", "40000", "-P", "2"])
    let client = try #require(parsed as? Bondperf.Client)
    let configuration = client.options.configuration(host: "host", common: client.common)
    guard case .consecutive(let from) = configuration.sourcePorts else {
      Issue.record("--cport must give consecutive ports")
      return
    }
    #expect(from == 40000)
  }

  @Test(arguments: [
    (["client", "host", "-P", "129"], "-P must be between 1 and 128, got 129."),
    (["client", "host", "-t", "86401"], "-t must be between 1 and 86400 seconds, got 86401."),
    (["client", "host", "-l", "2M"], "-l must be between 1 byte and 1M, got 2097152."),
    (["server", "--max-streams", "129"], "--max-streams must be between 1 and 128, got 129."),
    (["server", "--max-duration", "0"], "--max-duration must be between 1 and 86400 seconds"),
    (["client", "host", "-R", "--bidir"], "-R and --bidir cannot be used together."),
    (["server", "-4", "-6"], "-4 and -6 cannot be used together."),
    (["client", "host", "--slaves", "4"], "--slaves describes a bond by hand"),
    (["compare", "-c", "host", "--slaves", "4"], "--slaves describes a bond by hand"),
    // Issue 18, item 7: slave names are checked to be distinct and to exist.
    (
      ["client", "host", "--bond-policy", "layer3+4", "--slaves", "lo,lo"],
      "--slaves names lo twice; give each slave once"
    ),
    (
      ["client", "host", "--bond-policy", "layer3+4", "--slaves", "lo,bp-nosuch0"],
      "--slaves: no interface named bp-nosuch0 on this host"
    ),
  ])
  func limitsAreStillNamedInTheErrors(arguments: [String], fragment: String) throws {
    let message = try #require(Self.error(arguments), "\(arguments) must not parse")
    #expect(message.contains(fragment), "\(message)")
  }

  /// A server's `--slaves` are checked before it listens: exit 64, the reason first.
  @Test func aServerRefusesSlavesThatDoNotExist() async throws {
    let server = try ChildProcess(
      try E2EBinaries.bondperf(), ["-s", "-p", "0", "--slaves", "bp-nosuch0"])
    defer { server.kill() }
    #expect(try await server.exitStatus(within: .seconds(10)) == 64, "\(server.transcript)")
    let lines = server.text().split(separator: "\n", omittingEmptySubsequences: true)
    #expect(
      lines.first?.hasPrefix("Error: --slaves: no interface named bp-nosuch0 on this host") == true,
      "\(server.transcript)")
    #expect(lines.contains { $0.hasPrefix("Usage: bondperf server") }, "\(server.transcript)")
  }
}
