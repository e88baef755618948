import Foundation
import Testing

/// One optional flag set pScheduler's iperf3 tool maps from a throughput spec.
struct PSchedulerFlags: Sendable, CustomTestStringConvertible {
  var flags: [String]
  /// IPv6 loopback instead of IPv4 (the flow label needs IPv6).
  var ipv6 = false

  var host: String { ipv6 ? "::1" : "127.0.0.1" }
  /// Whether the client sends (and so has the sender-only TCP keys).
  var clientSends: Bool { !flags.contains("-R") }
  var testDescription: String { flags.isEmpty ? "(no flags)" : flags.joined(separator: " ") }

  static let all: [PSchedulerFlags] = [
    PSchedulerFlags(flags: []),
    PSchedulerFlags(flags: ["-S", "32"]),
    PSchedulerFlags(flags: ["-L", "1234"], ipv6: true),
    PSchedulerFlags(flags: ["-P", "4"]),
    PSchedulerFlags(flags: ["-w", "1M"]),
    PSchedulerFlags(flags: ["-M", "1400"]),
    PSchedulerFlags(flags: ["-O", "1"]),
    PSchedulerFlags(flags: ["-Z"]),
    PSchedulerFlags(flags: ["-i", "0"]),
    PSchedulerFlags(flags: ["-R"]),
    PSchedulerFlags(flags: ["--bidir"]),
    PSchedulerFlags(flags: ["-l", "64K"]),
    PSchedulerFlags(flags: ["-C", "cubic"]),
    PSchedulerFlags(flags: ["-A", "0"]),
    PSchedulerFlags(flags: ["-B", "127.0.0.1", "-4"]),
  ]
}

extension EndToEnd {
  /// The command lines perfSONAR's pScheduler builds for its iperf3 tool (its
  /// participant-data `iperf3 --version`; server `-s -1 --idle-timeout N --json -p P`;
  /// client `-p P -c HOST -t N --json` plus the optional flags of a spec), run with
  /// bondperf installed as `iperf3` in each role and Debian's iperf3 (3.12) opposite.
  @Suite(.serialized)
  struct PSchedulerShapedTests {
    /// participant-data: `iperf3 --version`, second word parsed as a version.
    @Test func versionSecondWordIsAnIperf3Version() async throws {
      for executable in [try DropIn.iperf3Link(), try E2EBinaries.bondperf()] {
        for flag in ["--version", "-v"] {
          let run = try await DropIn.run(executable, [flag])
          #expect(run.status == 0)
          let words = run.output.split(whereSeparator: \.isWhitespace)
          #expect(words.count > 1)
          let second = words.count > 1 ? String(words[1]) : ""
          let parts = second.split(separator: ".").compactMap { Int($0) }
          #expect(parts.count == 2 && parts[0] == 3 && parts[1] >= 12, "second word: \(second)")
          #expect(run.output.contains("bondperf 0.1.0"), "bondperf's own version: \(run.output)")
        }
      }
    }

    /// pScheduler's server with no client: exits by itself after --idle-timeout.
    @Test(.timeLimit(.minutes(1))) func oneOffServerWithoutClientExitsAfterIdleTimeout()
      async throws
    {
      let port = try E2EPorts.probe()
      let started = ContinuousClock.now
      let run = try await DropIn.run(
        try DropIn.iperf3Link(), ["-s", "-1", "--idle-timeout", "2", "--json", "-p", "\(port)"],
        timeout: .seconds(20))
      let took = started.duration(to: .now)
      #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
      #expect(took >= .seconds(2) && took < .seconds(8), "exited after \(took)")
    }

    /// bondperf as the pScheduler server, iperf3 3.12 as its client.
    @Test(.timeLimit(.minutes(1)), arguments: PSchedulerFlags.all)
    func bondperfServerIperf3Client(_ spec: PSchedulerFlags) async throws {
      let port = try E2EPorts.probe()
      let server = try ChildProcess(
        try DropIn.iperf3Link(),
        ["-s", "-1", "--idle-timeout", "20", "--json", "-p", "\(port)"])
      defer { server.kill() }
      // As iperf3's, a -J server says nothing until its test ends: wait for its socket.
      let listening = try await e2ePoll(within: .seconds(10)) {
        E2EPorts.isListening(port, by: server.pid)
      }
      #expect(listening, "never listened on \(port): \(server.transcript)")
      #expect(!server.errorOutput.contains("Server listening"), "no banner: \(server.transcript)")
      let client = try await DropIn.run(
        try E2EBinaries.iperf3(),
        ["-p", "\(port)", "-c", spec.host, "-t", "1", "--json"] + spec.flags)
      #expect(client.status == 0, "iperf3 client: \(client.output)\(client.errorOutput)")
      let missing = try DropIn.missingPaths(
        client.output, DropIn.pSchedulerPaths(sending: spec.clientSends))
      #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
      // The -1 server exits by itself once the test is over, with its own -J document.
      let status = try await server.exitStatus(within: .seconds(10))
      #expect(status == 0, "\(server.transcript)")
      let serverJSON = String(
        decoding: (try? Data(contentsOf: server.outputURL)) ?? Data(), as: UTF8.self)
      let document = try E2EDocument(serverJSON, from: "bondperf server")
      #expect(document.value("bondperf.invoked_as") as? String == "iperf3")
      #expect(document.value("bondperf.receiver") as? String == "copy")
      if spec.flags == ["-i", "0"] {
        #expect(try document.array("intervals").count == 1, "-i 0: one interval")
      }
    }

    /// bondperf as the pScheduler client, iperf3 3.12 as its server.
    @Test(.timeLimit(.minutes(1)), arguments: PSchedulerFlags.all)
    func bondperfClientIperf3Server(_ spec: PSchedulerFlags) async throws {
      let port = try E2EPorts.probe()
      let server = try ChildProcess(
        try E2EBinaries.iperf3(), ["-s", "-1", "--idle-timeout", "20", "--json", "-p", "\(port)"])
      defer { server.kill() }
      #expect(
        try await e2ePoll(within: .seconds(10)) { E2EPorts.isListening(port, by: server.pid) })
      let client = try await DropIn.run(
        try DropIn.iperf3Link(),
        ["-p", "\(port)", "-c", spec.host, "-t", "1", "--json"] + spec.flags)
      #expect(client.status == 0, "bondperf client: \(client.output)\(client.errorOutput)")
      let missing = try DropIn.missingPaths(
        client.output, DropIn.pSchedulerPaths(sending: spec.clientSends))
      #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
      let document = try E2EDocument(client.output, from: "bondperf client")
      #expect(document.value("bondperf.invoked_as") as? String == "iperf3")
      if spec.flags == ["-i", "0"] {
        let intervals = try document.array("intervals")
        #expect(intervals.count == 1, "-i 0: one interval covering the test")
        let seconds = (intervals.first as? [String: Any]).flatMap {
          ($0["sum"] as? [String: Any])?["seconds"] as? Double
        }
        #expect((seconds ?? 0) > 0.9, "the interval covers the test: \(seconds ?? 0) s")
      }
      if spec.flags.first == "-S" {
        #expect(try document.number("start.test_start.tos") == 32)
      }
      let status = try await server.exitStatus(within: .seconds(10))
      #expect(status == 0, "iperf3 -1 server: \(server.transcript)")
    }

    /// Refusals reach an iperf3 3.12 client with iperf3's own reason.
    @Test(.timeLimit(.minutes(1))) func refusalsCarryIperf3ErrorCodes() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["--max-streams", "2"])
      defer { server.kill() }
      let iperf3 = try E2EBinaries.iperf3()
      let cases: [([String], String)] = [
        (["--sctp"], "no SCTP support available"),
        (["-P", "3"], "number of parallel streams too large"),
      ]
      for (flags, reason) in cases {
        let run = try await DropIn.run(
          iperf3, ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1"] + flags)
        #expect(run.status != 0)
        #expect(
          (run.output + run.errorOutput).contains(reason),
          "\(flags): \(run.output)\(run.errorOutput)")
      }
      // The server keeps serving after refusing.
      let good = try await DropIn.run(iperf3, ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1"])
      #expect(good.status == 0, "\(good.output)\(good.errorOutput)")
      // A client outside --allow reads why.
      let (closed, closedPort) = try await e2eStartServer(.bondperf, ["--allow", "10.0.0.0/8"])
      defer { closed.kill() }
      let refused = try await DropIn.run(
        iperf3, ["-c", "127.0.0.1", "-p", "\(closedPort)", "-t", "1"])
      #expect(refused.status != 0)
      #expect(
        (refused.output + refused.errorOutput).contains("test authorization failed"),
        "\(refused.output)\(refused.errorOutput)")
    }

    /// `-F`: the client sends a file's bytes (its size is the test's length) and the
    /// server writes what arrives to its own `-F` file: the two files are equal, with
    /// bondperf at both ends and with iperf3 3.12 as the client.
    @Test(.timeLimit(.minutes(1))) func fileTransferWithDashF() async throws {
      let directory = FileManager.default.temporaryDirectory
      let input = directory.appendingPathComponent("bondperf-dropin-\(getpid())-in")
      var bytes = [UInt8](repeating: 0, count: 3 << 20)
      for index in bytes.indices {
        bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7)
      }
      try Data(bytes).write(to: input)
      defer { try? FileManager.default.removeItem(at: input) }
      for client in [try DropIn.iperf3Link(), try E2EBinaries.iperf3()] {
        let output = directory.appendingPathComponent("bondperf-dropin-\(getpid())-out")
        defer { try? FileManager.default.removeItem(at: output) }
        let (server, port) = try await e2eStartServer(.bondperf, ["-1", "-F", output.path])
        defer { server.kill() }
        let run = try await DropIn.run(
          client, ["-c", "127.0.0.1", "-p", "\(port)", "-F", input.path])
        #expect(run.status == 0, "\(client.lastPathComponent): \(run.output)\(run.errorOutput)")
        #expect(try await server.exitStatus(within: .seconds(10)) == 0)
        let received = try Data(contentsOf: output)
        // Compared first: #expect would render two 3 MiB values on a failure.
        let same = received == Data(bytes)
        #expect(same, "\(client.lastPathComponent): \(received.count) of \(bytes.count) bytes")
      }
    }

    /// As `iperf3` the receiver copies by default, `--skip-rx-copy` discards; as
    /// `bondperf` the documented default (discard) stays.
    @Test(.timeLimit(.minutes(1))) func personalityDefaults() async throws {
      let (server, port) = try await e2eStartServer(.bondperf)
      defer { server.kill() }
      let cases: [(URL, [String], String)] = [
        (try DropIn.iperf3Link(), ["-R"], "copy"),
        (try DropIn.iperf3Link(), ["-R", "--skip-rx-copy"], "discard"),
      ]
      for (executable, flags, receiver) in cases {
        let run = try await DropIn.run(
          executable, ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1", "-J"] + flags)
        #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
        let document = try E2EDocument(run.output, from: "\(flags)")
        #expect(document.value("bondperf.receiver") as? String == receiver, "\(flags)")
      }
      let text = try await DropIn.run(
        try DropIn.iperf3Link(), ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1"])
      #expect(text.output.contains("as iperf3: iperf3 3.21 defaults"), "\(text.output)")
      let plain = try await DropIn.run(
        try E2EBinaries.bondperf(), ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1", "-J"])
      let document = try E2EDocument(plain.output, from: "bondperf -J")
      #expect(document.value("bondperf") == nil, "as bondperf the -J document stays as it was")
    }
  }
}
