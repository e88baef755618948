import Foundation
import Testing

/// One program on one side of a test.
enum E2EImplementation: String, Sendable {
  case bondperf
  case iperf3

  func executable() throws -> URL {
    switch self {
    case .bondperf: try E2EBinaries.bondperf()
    case .iperf3: try E2EBinaries.iperf3()
    }
  }
}

enum E2EMode: String, Sendable, CaseIterable {
  case normal
  case reverse
  case bidir

  var flags: [String] {
    switch self {
    case .normal: []
    case .reverse: ["-R"]
    case .bidir: ["--bidir"]
    }
  }
}

/// One cell of the interoperability matrix.
struct E2ECase: Sendable, CustomTestStringConvertible {
  var client: E2EImplementation
  var server: E2EImplementation
  var parallel: Int
  var mode: E2EMode
  /// `-n` in bytes, or nil for `-t 1`.
  var bytes: Int?

  var endFlags: [String] { bytes.map { ["-n", "\($0 >> 20)M"] } ?? ["-t", "1"] }

  var testDescription: String {
    "\(client.rawValue)→\(server.rawValue) -P \(parallel) \(mode.rawValue) \(endFlags.joined(separator: " "))"
  }

  static let all: [E2ECase] = {
    var cases: [E2ECase] = []
    let pairs: [(E2EImplementation, E2EImplementation)] = [
      (.bondperf, .bondperf), (.bondperf, .iperf3), (.iperf3, .bondperf),
    ]
    for (client, server) in pairs {
      for mode in E2EMode.allCases {
        for parallel in [1, 4] {
          for bytes in [nil, 20 << 20] {
            cases.append(
              E2ECase(client: client, server: server, parallel: parallel, mode: mode, bytes: bytes))
          }
        }
      }
    }
    return cases
  }()
}

/// The result of one client/server run: both `-J` documents.
struct E2ERun {
  var client: E2EDocument
  var server: E2EDocument
  var seconds: Double
}

/// Starts `server -s -1 -J` on a port of its own, runs the client to completion, and
/// returns both documents after checking both exit statuses are 0.
func e2eRun(
  client: E2EImplementation, server: E2EImplementation, clientArguments: [String],
  serverArguments: [String] = []
) async throws -> E2ERun {
  let (serverProcess, port) = try await e2eStartServer(server, ["-1", "-J"] + serverArguments)
  defer { serverProcess.kill() }
  let started = ContinuousClock.now
  let clientProcess = try e2eStartClient(port: port, ["-J"] + clientArguments, client)
  defer { clientProcess.kill() }
  let clientStatus = try await clientProcess.exitStatus(within: .seconds(25))
  let elapsed = started.duration(to: .now)
  let serverStatus = try await serverProcess.exitStatus(within: .seconds(15))
  #expect(clientStatus == 0, "client exit status\n\(clientProcess.transcript)")
  #expect(serverStatus == 0, "server exit status\n\(serverProcess.transcript)")
  let clientDocument = try E2EDocument(clientProcess.output, from: "\(client) client")
  let serverDocument = try E2EDocument(serverProcess.output, from: "\(server) server")
  #expect(
    clientDocument.value("error") == nil, "client error: \(clientDocument.value("error") ?? "")")
  #expect(
    serverDocument.value("error") == nil, "server error: \(serverDocument.value("error") ?? "")")
  return E2ERun(client: clientDocument, server: serverDocument, seconds: e2eSeconds(elapsed))
}

let e2eBlock = 128 * 1024.0

/// The parent of every suite that runs real processes: serialized, so the
/// network tests never compete with each other for the two CPU cores
/// (nested suites inherit `.serialized`).
@Suite(.serialized)
enum EndToEnd {}

extension EndToEnd {
  @Suite(.serialized)
  struct EndToEndTests {
    @Test(.timeLimit(.minutes(1)), arguments: E2ECase.all)
    func matrix(_ test: E2ECase) async throws {
      let arguments = ["-P", "\(test.parallel)"] + test.mode.flags + test.endFlags
      let run = try await e2eRun(
        client: test.client, server: test.server, clientArguments: arguments)
      let client = run.client
      let server = run.server
      let slack = e2eBlock * Double(test.parallel)

      // Both directions summed on the client, which has the complete picture.
      let sent = try client.number("end.sum_sent.bytes")
      let received = try client.number("end.sum_received.bytes")
      // A bidir -n test ends when EITHER direction reaches the limit (iperf3 does the same),
      // so one direction may legitimately have moved nothing yet; -t tests must move both.
      let bidirBytes = test.mode == .bidir && test.bytes != nil
      if bidirBytes {
        let reverseReceived = try client.number("end.sum_received_bidir_reverse.bytes")
        #expect(sent + received + reverseReceived > 0)
      } else {
        #expect(sent > 0)
        #expect(received > 0)
      }

      // start.connected: one entry per data connection, real local ports.
      let connections = test.mode == .bidir ? 2 * test.parallel : test.parallel
      for (document, side) in [(client, "client"), (server, "server")] {
        let connected = try document.array("start.connected")
        #expect(connected.count == connections, "\(side) start.connected: \(connected)")
        for entry in connected {
          let port = ((entry as? [String: Any])?["local_port"] as? NSNumber)?.intValue ?? 0
          #expect(port > 0, "\(side) connected entry without local_port: \(entry)")
        }
      }

      // The bytes a side counted itself must match what the other side reports for it.
      switch test.mode {
      case .normal:
        let serverReceived = try server.number("end.sum_received.bytes")
        #expect(serverReceived > 0)
        #expect(
          abs(received - serverReceived) <= slack,
          "client sum_received \(received) vs server \(serverReceived)")
        #expect(received <= sent + slack)
        if test.client == .bondperf {
          // The receiver cannot get more than the sender wrote (bondperf counts a send once it returns).
          #expect(
            received <= sent, "server received \(received) B but the client reports \(sent) B sent")
        }
      case .reverse:
        let serverSent = try server.number("end.sum_sent.bytes")
        #expect(serverSent > 0)
        #expect(
          abs(sent - serverSent) <= slack,
          "client sum_sent (server's) \(sent) vs server \(serverSent)")
      case .bidir:
        let serverReceived = try server.number("end.sum_received.bytes")
        #expect(
          abs(received - serverReceived) <= slack,
          "client sum_received \(received) vs server \(serverReceived)")
        let reverseSent = try client.number("end.sum_sent_bidir_reverse.bytes")
        let reverseReceived = try client.number("end.sum_received_bidir_reverse.bytes")
        let serverReverseSent = try server.number("end.sum_sent_bidir_reverse.bytes")
        if !bidirBytes {
          #expect(reverseSent > 0)
          #expect(reverseReceived > 0)
          #expect(serverReverseSent > 0)
        }
        #expect(
          abs(reverseSent - serverReverseSent) <= slack,
          "client sum_sent_bidir_reverse \(reverseSent) vs server \(serverReverseSent)")
      }

      if let bytes = test.bytes {
        let limit = Double(bytes)
        var largest = sent
        if test.mode == .bidir {
          largest = max(sent, try client.number("end.sum_sent_bidir_reverse.bytes"))
        }
        #expect(largest >= limit, "-n \(bytes): sent only \(largest)")
        if test.server == .bondperf && test.mode != .normal {
          // bondperf's senders stop at the limit on the server too (as iperf3 3.16+ does).
          let key =
            test.mode == .reverse ? "end.sum_sent.bytes" : "end.sum_sent_bidir_reverse.bytes"
          let serverSent = try server.number(key)
          #expect(serverSent <= limit + slack, "-n \(bytes): the server sent \(serverSent) B")
        }
        if test.client == .bondperf && test.server == .bondperf && test.mode == .normal {
          // The client sends TEST_END once its bytes are acknowledged and the server reads
          // its queues dry before its last sample: no byte goes uncounted.
          let serverReceived = try server.number("end.sum_received.bytes")
          #expect(
            serverReceived == sent, "-n \(bytes): server received \(serverReceived) of \(sent) B")
        }
      } else {
        let seconds = try client.number("end.sum_sent.seconds")
        #expect(seconds > 0.9 && seconds < 2.0, "-t 1 lasted \(seconds) s")
      }
      let rate = try client.number("end.sum_received.bits_per_second") / 1e9
      print(
        "E2E \(test.testDescription): sent \(Int(sent)) B, received \(Int(received)) B, "
          + String(format: "%.2f Gbit/s, wall %.2f s", rate, run.seconds))
    }

    /// The client stops sending without a FIN and the server closes first, so TIME_WAIT
    /// stays on the server and `--cport` works again at once (it failed with EADDRINUSE
    /// for 60 s when the client kept the TIME_WAIT).
    @Test(.timeLimit(.minutes(1)))
    func sourcePortIsFreeForTheNextTest() async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let sourcePort = try E2EPorts.probe()
      for run in 1...2 {
        let (document, _) = try await e2eGoodClient(
          port: port, ["-t", "1", "--cport", "\(sourcePort)"])
        let connected = try #require(document.array("start.connected").first as? [String: Any])
        #expect((connected["local_port"] as? NSNumber)?.intValue == Int(sourcePort), "run \(run)")
      }
    }

    /// `-n` counts what moves after the omit period, in both directions. iperf3 3.12 resets
    /// only what it sent, so its `-R -n 10M -O 1` ends as the omit period does with 0 bytes.
    @Test(.timeLimit(.minutes(1)), arguments: [[String](), ["-R"]])
    func byteLimitCountsAfterTheOmitPeriod(_ direction: [String]) async throws {
      let limit = 10.0 * 1_048_576
      let run = try await e2eRun(
        client: .bondperf, server: .bondperf, clientArguments: direction + ["-n", "10M", "-O", "1"])
      // Only the client's own count is exact: the server's omit period ends at its own
      // clock's tick, a poll away from the client's.
      let sent = try run.client.number("end.sum_sent.bytes")
      let received = try run.client.number("end.sum_received.bytes")
      if direction.isEmpty {
        #expect(sent == limit, "-n 10M -O 1 sent \(sent) B after the omit period")
        #expect(received > 0)
      } else {
        #expect(received >= limit, "-R -n 10M -O 1 received \(received) B after the omit period")
        #expect(sent > 0)
      }
    }
  }
}
