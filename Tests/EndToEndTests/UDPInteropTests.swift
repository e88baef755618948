import Foundation
import Testing

/// One UDP cell of the interoperability matrix: `-u -b 10M`, 1 s or `-n 1M`.
struct E2EUDPCase: Sendable, CustomTestStringConvertible {
  var client: E2EImplementation
  var server: E2EImplementation
  var parallel: Int
  var mode: E2EMode
  var bytes: Int?

  var arguments: [String] {
    ["-u", "-b", "10M", "-P", "\(parallel)"] + mode.flags
      + (bytes.map { ["-n", "\($0)"] } ?? ["-t", "1"])
  }

  var testDescription: String {
    "\(client) -c -> \(server) -s, -u -P \(parallel) \(mode.flags.joined())"
      + (bytes.map { " -n \($0)" } ?? " -t 1")
  }

  static let all: [E2EUDPCase] = {
    let pairs: [(E2EImplementation, E2EImplementation)] = [
      (.bondperf, .iperf3), (.iperf3, .bondperf), (.bondperf, .bondperf),
    ]
    var cases: [E2EUDPCase] = []
    for (client, server) in pairs {
      for mode in E2EMode.allCases {
        for parallel in [1, 4] {
          cases.append(E2EUDPCase(client: client, server: server, parallel: parallel, mode: mode))
        }
      }
      cases.append(
        E2EUDPCase(client: client, server: server, parallel: 1, mode: .normal, bytes: 1 << 20))
      cases.append(
        E2EUDPCase(client: client, server: server, parallel: 1, mode: .reverse, bytes: 1 << 20))
    }
    return cases
  }()
}

extension EndToEnd {
  /// `-u` against iperf3 3.12 both ways and bondperf with itself: the UDP
  /// connect handshake, datagram counts, loss and jitter in iperf3's keys.
  @Suite(.serialized)
  struct UDPInteropTests {
    @Test(.timeLimit(.minutes(1)), arguments: E2EUDPCase.all)
    func matrix(_ test: E2EUDPCase) async throws {
      let run = try await e2eRun(
        client: test.client, server: test.server, clientArguments: test.arguments)
      let client = run.client
      #expect(client.value("start.test_start.protocol") as? String == "UDP")
      #expect(run.server.value("start.test_start.protocol") as? String == "UDP")
      var directions = [""]
      if test.mode == .bidir { directions.append("_bidir_reverse") }
      for suffix in directions {
        let sent = try client.number("end.sum_sent\(suffix).bytes")
        let received = try client.number("end.sum_received\(suffix).bytes")
        let packets = try client.number("end.sum_sent\(suffix).packets")
        let receivedPackets = try client.number("end.sum_received\(suffix).packets")
        let lost = try client.number("end.sum_received\(suffix).lost_packets")
        let jitter = try client.number("end.sum_received\(suffix).jitter_ms")
        #expect(sent > 0 && received > 0, "\(suffix): sent \(sent), received \(received)")
        #expect(packets > 0)
        // Loopback at 10 Mbit/s per stream: nothing should be lost.
        #expect(lost <= max(2, packets * 0.01), "\(suffix): lost \(lost) of \(packets)")
        #expect(abs(receivedPackets - packets) <= max(2, packets * 0.01))
        #expect(received <= sent, "\(suffix): received \(received) B of \(sent) B sent")
        #expect(jitter >= 0 && jitter < 50, "\(suffix): jitter \(jitter) ms")
        if test.bytes == nil {
          // -b 10M per stream for 1 s.
          let expected = 10e6 / 8 * Double(test.parallel)
          #expect(
            sent > expected * 0.85 && sent < expected * 1.15,
            "\(suffix): sent \(sent) B at -b 10M -P \(test.parallel)")
        } else if suffix.isEmpty && test.mode == .normal {
          #expect(sent >= Double(1 << 20) && sent < Double(1 << 20) + 70_000)
        }
      }
      let streams = try client.array("end.streams")
      let connections = test.mode == .bidir ? 2 * test.parallel : test.parallel
      #expect(streams.count == connections)
      for entry in streams {
        let udp = (entry as? [String: Any])?["udp"] as? [String: Any]
        #expect(udp?["jitter_ms"] is NSNumber && udp?["out_of_order"] is NSNumber)
      }
      print(
        "E2E UDP \(test.testDescription): "
          + String(
            format: "%.0f B sent, %.0f lost, jitter %.3f ms, wall %.2f s",
            try client.number("end.sum_sent.bytes"),
            try client.number("end.sum_received.lost_packets"),
            try client.number("end.sum_received.jitter_ms"), run.seconds))
    }

    /// Every key iperf3 3.12 prints for `-u -J` exists in bondperf's documents with
    /// the same type, on both ends and in every mode.
    @Test(.timeLimit(.minutes(1)), arguments: E2EMode.allCases)
    func documentsMatchIperf3KeyByKey(_ mode: E2EMode) async throws {
      let arguments = ["-u", "-b", "10M", "-t", "1", "-P", "2"] + mode.flags
      let reference = try await e2eRun(client: .iperf3, server: .iperf3, clientArguments: arguments)
      let bondperfClient = try await e2eRun(
        client: .bondperf, server: .iperf3, clientArguments: arguments)
      let bondperfServer = try await e2eRun(
        client: .iperf3, server: .bondperf, clientArguments: arguments)
      let clientPaths = JSONCompatibilityTests.compare(
        reference: reference.client, candidate: bondperfClient.client,
        what: "UDP client vs iperf3 -s, \(mode)")
      let serverPaths = JSONCompatibilityTests.compare(
        reference: reference.server, candidate: bondperfServer.server,
        what: "UDP server with iperf3 -c, \(mode)")
      #expect(clientPaths > 60 && serverPaths > 60, "suspiciously few key paths")
    }

    /// UDP documents (bondperf's and iperf3's) validate against the result schema.
    @Test(.timeLimit(.minutes(1)))
    func documentsValidateAgainstTheSchema() async throws {
      let runs: [(E2EImplementation, E2EImplementation, [String])] = [
        (.bondperf, .bondperf, ["--bidir", "-P", "2"]),
        (.bondperf, .iperf3, ["-R"]),
        (.iperf3, .bondperf, []),
        (.iperf3, .iperf3, []),
      ]
      for (client, server, flags) in runs {
        let run = try await e2eRun(
          client: client, server: server,
          clientArguments: ["-u", "-b", "5M", "-l", "1400", "-t", "1"] + flags)
        try JSONSchemaTests.expectValid(run.client.root, "UDP \(client) client \(flags)")
        try JSONSchemaTests.expectValid(run.server.root, "UDP \(server) server \(flags)")
      }
    }

    /// `-u --bidir` text has iperf3 3.12's own shape: `[ID][Role]` header, `[TX-C]`
    /// and `[RX-C]` tags, a blank jitter column on sender interval lines, `[SUM]`
    /// lines only for a direction with several streams.
    @Test(.timeLimit(.minutes(1)), arguments: [1, 2])
    func bidirTextHasIperf3sShape(_ parallel: Int) async throws {
      let arguments = ["-u", "-b", "5M", "-t", "2", "--bidir", "-P", "\(parallel)"]
      let reference = try await textRun(client: .iperf3, server: .iperf3, arguments)
      let candidate = try await textRun(client: .bondperf, server: .bondperf, arguments)
      func shapes(_ lines: [String], end: Bool) -> [String] {
        let separator = lines.lastIndex { $0.hasPrefix("- - -") } ?? lines.endIndex
        let part = end ? lines[separator...] : lines[..<separator]
        return part.filter { $0.hasPrefix("[") && !$0.contains(" local ") }.map(shape)
      }
      #expect(shapes(candidate, end: true) == shapes(reference, end: true), "\(candidate)")
      #expect(
        Set(shapes(candidate, end: false)) == Set(shapes(reference, end: false)), "\(candidate)")
      let blank = #/\[TX-C\] .*/sec {12}[0-9]+  $/#
      for lines in [reference, candidate] {
        let senders = lines.filter {
          $0.contains("[TX-C]") && !$0.contains("sender") && !$0.contains("receiver")
        }
        #expect(!senders.isEmpty && senders.allSatisfy { $0.contains(blank) }, "\(lines)")
      }
    }

    /// A line with its numbers (and stream ids) replaced by `#` and runs of spaces
    /// by one, so two runs' lines compare by their columns and words.
    private func shape(_ line: String) -> String {
      line.replacing(#/[0-9][0-9.]*/#, with: "#").replacing(#/ +/#, with: " ")
        .replacing(#/[KMG]?(Bytes|bits/sec)/#) { "U" + $0.output.1 }
    }

    private func textRun(
      client: E2EImplementation, server: E2EImplementation, _ arguments: [String]
    ) async throws -> [String] {
      let (serverProcess, port) = try await e2eStartServer(server, ["-1"])
      defer { serverProcess.kill() }
      let clientProcess = try e2eStartClient(port: port, arguments, client)
      defer { clientProcess.kill() }
      let status = try await clientProcess.exitStatus(within: .seconds(25))
      #expect(status == 0, "\(client) client\n\(clientProcess.transcript)")
      _ = try await serverProcess.exitStatus(within: .seconds(15))
      return clientProcess.output.split(separator: "\n").map(String.init)
    }

    /// 64-bit sequence numbers: iperf3 reads bondperf's and the other way round.
    @Test(.timeLimit(.minutes(1)))
    func wideCountersInteroperate() async throws {
      for (client, server) in [
        (E2EImplementation.bondperf, E2EImplementation.iperf3), (.iperf3, .bondperf),
      ] {
        let run = try await e2eRun(
          client: client, server: server,
          clientArguments: ["-u", "-b", "5M", "-l", "1400", "-t", "1", "--udp-counters-64bit"])
        let packets = try run.client.number("end.sum_received.packets")
        let lost = try run.client.number("end.sum_received.lost_packets")
        #expect(packets > 100, "\(client) -> \(server): \(packets) datagrams")
        #expect(lost <= 2, "\(client) -> \(server): \(lost) lost (counters misread?)")
      }
    }
  }
}
