import Foundation
import Testing

/// `-V` and `-F` text as iperf3 3.12 prints it: the same kinds of lines, in the same
/// order, with bondperf and iperf3 each at one end of the same kind of test.
@Suite(.serialized)
struct VerboseOutputTests {
  /// The lines a verbose TCP client prints, in iperf3's order.
  static let clientMarkers = [
    "iperf 3.", "Control connection MSS ", "Time: ", "Connecting to host ", "      Cookie: ",
    "      TCP MSS: ", "Starting Test: protocol: TCP", "Test Complete. Summary Results:",
    "CPU Utilization: ", "snd_tcp_congestion ", "rcv_tcp_congestion ", "iperf Done.",
  ]
  /// The lines a verbose server prints for one test (no `iperf Done.` on a server).
  static let serverMarkers = [
    "iperf 3.", "Time: ", "Accepted connection from ", "      Cookie: ", "      TCP MSS: ",
    "Starting Test: protocol: TCP", "Test Complete. Summary Results:", "CPU Utilization: ",
    "snd_tcp_congestion ", "rcv_tcp_congestion ",
  ]

  /// Each marker that starts a line of `text`, in the order of its first such line.
  static func order(_ text: String, _ markers: [String]) -> [String] {
    var seen: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      for marker in markers where line.hasPrefix(marker) && !seen.contains(marker) {
        seen.append(marker)
      }
    }
    return seen
  }

  /// Runs `client arguments` against a fresh `-1` server of `server` with `-V` on both
  /// sides; returns the client's and the server's standard output.
  private func verboseRun(
    client: E2EImplementation, server: E2EImplementation, _ arguments: [String] = []
  ) async throws -> (client: String, server: String) {
    let (serverProcess, port) = try await e2eStartServer(server, ["-1", "-V"])
    defer { serverProcess.kill() }
    let binary = client == .bondperf ? try E2EBinaries.bondperf() : try E2EBinaries.iperf3()
    let run = try await DropIn.run(
      binary, ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1", "-V"] + arguments)
    #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
    _ = try await serverProcess.exitStatus(within: .seconds(10))
    return (run.output, serverProcess.output)
  }

  @Test(.timeLimit(.minutes(2)))
  func clientLinesMatchIperf3() async throws {
    let ours = try await verboseRun(client: .bondperf, server: .iperf3)
    let theirs = try await verboseRun(client: .iperf3, server: .iperf3)
    #expect(Self.order(theirs.client, Self.clientMarkers) == Self.clientMarkers, "\(theirs.client)")
    #expect(Self.order(ours.client, Self.clientMarkers) == Self.clientMarkers, "\(ours.client)")
  }

  @Test(.timeLimit(.minutes(2)))
  func serverLinesMatchIperf3() async throws {
    let ours = try await verboseRun(client: .iperf3, server: .bondperf)
    let theirs = try await verboseRun(client: .iperf3, server: .iperf3)
    let expected = Self.order(theirs.server, Self.serverMarkers)
    // A receiving iperf3 server prints no CPU line and only its own algorithm.
    #expect(expected.count >= 7, "iperf3's server: \(theirs.server)")
    #expect(Self.order(ours.server, Self.serverMarkers) == expected, "\(ours.server)")
  }

  /// With `-R` the server sends: then it prints the CPU line, as the sender.
  @Test(.timeLimit(.minutes(2)))
  func reverseServerLinesMatchIperf3() async throws {
    let ours = try await verboseRun(client: .iperf3, server: .bondperf, ["-R"])
    let theirs = try await verboseRun(client: .iperf3, server: .iperf3, ["-R"])
    let expected = Self.order(theirs.server, Self.serverMarkers)
    #expect(expected.contains("CPU Utilization: "), "iperf3's server: \(theirs.server)")
    #expect(Self.order(ours.server, Self.serverMarkers) == expected, "\(ours.server)")
    #expect(ours.server.contains("CPU Utilization: local/sender"), "\(ours.server)")
    let client = try await verboseRun(client: .bondperf, server: .iperf3, ["-R"]).client
    #expect(client.contains("CPU Utilization: local/receiver"), "\(client)")
  }

  /// Without `-V` none of these lines appear.
  @Test(.timeLimit(.minutes(1)))
  func quietWithoutVerbose() async throws {
    let (server, port) = try await e2eStartServer(.bondperf, ["-1"])
    defer { server.kill() }
    let run = try await DropIn.run(
      try E2EBinaries.bondperf(), ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1"])
    #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
    for marker in ["Control connection MSS", "Time: ", "Cookie: ", "TCP MSS: ", "snd_tcp_"] {
      #expect(!run.output.contains(marker), "\(marker) without -V: \(run.output)")
    }
  }

  /// `-F`: the client reads the file and says how much of it it sent, as iperf3 does.
  @Test(.timeLimit(.minutes(1)))
  func diskFileLine() async throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("bondperf-diskfile-\(getpid()).bin")
    try Data(repeating: 0x5a, count: 3 * 1024 * 1024).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let (server, port) = try await e2eStartServer(.bondperf, ["-1"])
    defer { server.kill() }
    let run = try await DropIn.run(
      try E2EBinaries.bondperf(), ["-c", "127.0.0.1", "-p", "\(port)", "-F", file.path])
    #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
    #expect(
      run.output.contains("        Sent 3.00 MByte / 3.00 MByte (100%) of \(file.path)"),
      "\(run.output)")
  }
}
