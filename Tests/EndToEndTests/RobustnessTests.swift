import BondPerfCore
import Foundation
import Testing

func e2eSeconds(_ duration: Duration) -> Double {
  let (whole, fraction) = duration.components
  return Double(whole) + Double(fraction) / 1e18
}

/// Starts `bondperf -c 127.0.0.1 -p PORT` plus `arguments` (or iperf3's client).
func e2eStartClient(
  port: UInt16, _ arguments: [String], _ implementation: E2EImplementation = .bondperf
) throws -> ChildProcess {
  try ChildProcess(
    try implementation.executable(), ["-c", "127.0.0.1", "-p", "\(port)"] + arguments)
}

/// Runs a bondperf `-J` client test to completion and returns its document (exit 0 required).
func e2eGoodClient(port: UInt16, _ arguments: [String] = ["-t", "1"]) async throws -> (
  E2EDocument, Double
) {
  let started = ContinuousClock.now
  let client = try e2eStartClient(port: port, ["-J"] + arguments)
  defer { client.kill() }
  let status = try await client.exitStatus(within: .seconds(30))
  let elapsed = e2eSeconds(started.duration(to: .now))
  #expect(status == 0, "client exit status \(status)\n\(client.transcript)")
  let document = try E2EDocument(client.output, from: "bondperf client")
  #expect(document.value("error") == nil, "\(document.value("error") ?? "")")
  #expect(try document.number("end.sum_sent.bytes") > 0)
  #expect(try document.number("end.sum_received.bytes") > 0)
  return (document, elapsed)
}

/// Runs a bondperf client test the server must refuse: exit status 1 and `message` in
/// its output. Returns the seconds from launch to exit.
@discardableResult
func e2eRefusedClient(
  port: UInt16, _ arguments: [String], saying message: String,
  within timeout: Duration = .seconds(10),
  sourceLocation: SourceLocation = #_sourceLocation
) async throws -> Double {
  let started = ContinuousClock.now
  let client = try e2eStartClient(port: port, arguments)
  defer { client.kill() }
  let status = try await client.exitStatus(within: timeout, sourceLocation: sourceLocation)
  #expect(status == 1, "\(client.transcript)", sourceLocation: sourceLocation)
  #expect(client.output.contains(message), "\(client.transcript)", sourceLocation: sourceLocation)
  return e2eSeconds(started.duration(to: .now))
}

/// Starts a bondperf client `-t 5` test (plus `extra`, `-R` when `reverse`) against
/// `server` (text mode) on `port` and returns it, still running, once the server prints
/// the test's first interval line: data moves and the client is measuring, the moment
/// the fault tests kill one end.
func e2eTestInProgress(
  server: ChildProcess, port: UInt16, reverse: Bool, _ extra: [String] = []
) async throws -> ChildProcess {
  let mark = server.mark
  let client = try e2eStartClient(port: port, ["-t", "5"] + extra + (reverse ? ["-R"] : []))
  do {
    try await server.waitForOutput(e2eIntervalMarker, since: mark)
  } catch {
    client.kill()
    throw E2EError("\(error)\n\(client.transcript)")
  }
  #expect(client.isRunning, "the client should still be testing\n\(client.transcript)")
  return client
}

/// A framed (4-byte big-endian length) message.
func e2eFrame(_ body: [UInt8], length: UInt32? = nil) -> [UInt8] {
  let value = length ?? UInt32(body.count)
  return [
    UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff),
  ] + body
}

extension EndToEnd {
  @Suite(.serialized)
  struct RobustnessTests {
    @Test(.timeLimit(.minutes(1)))
    func secondClientIsToldTheServerIsBusy() async throws {
      // A text server, so its interval line says when the first test is under way.
      let (server, port) = try await e2eStartServer(.bondperf, ["-1"])
      defer { server.kill() }
      let first = try e2eStartClient(port: port, ["-t", "3", "-J"])
      defer { first.kill() }
      try await server.waitForOutput(e2eIntervalMarker)
      let second = try e2eStartClient(port: port, ["-t", "1"])
      defer { second.kill() }
      let secondStatus = try await second.exitStatus(within: .seconds(10))
      #expect(secondStatus != 0)
      #expect(
        second.output.contains("the server is busy running a test. try again later"),
        "\(second.transcript)")
      #expect(first.isRunning, "the first test should still run while the second is refused")

      let firstStatus = try await first.exitStatus(within: .seconds(15))
      #expect(firstStatus == 0, "\(first.transcript)")
      let document = try E2EDocument(first.output, from: "first client")
      let seconds = try document.number("end.sum_sent.seconds")
      let bytes = try document.number("end.sum_received.bytes")
      #expect(seconds > 2.9 && seconds < 3.5)
      #expect(bytes > 0)
      #expect(try await server.exitStatus(within: .seconds(10)) == 0, "\(server.transcript)")
      print(
        String(
          format: "E2E busy: refused second client; first ran %.2f s, %.0f B received", seconds,
          bytes))
    }

    /// Ctrl-C mid-test: `-J` prints one document with what was measured and the error
    /// (as iperf3 does; it printed two documents before); text prints the summary, then
    /// the error line. The server serves the next test.
    @Test(.timeLimit(.minutes(1)), arguments: [["-J"], []])
    func interruptedClientReportsWhatItMeasured(_ format: [String]) async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let client = try await e2eTestInProgress(server: server, port: port, reverse: false, format)
      defer { client.kill() }
      Foundation.kill(client.pid, SIGINT)
      #expect(try await client.exitStatus(within: .seconds(10)) == 1, "\(client.transcript)")
      let interrupt = "interrupt - the client has terminated"
      if format.isEmpty {
        let output = client.output
        let summary = try #require(output.range(of: "sender"), "no summary\n\(output)")
        let error = try #require(output.range(of: "bondperf: error - \(interrupt)"), "\(output)")
        #expect(summary.upperBound < error.lowerBound, "the summary comes first\n\(output)")
      } else {
        let document = try E2EDocument(client.output, from: "interrupted -J client")
        #expect(document.value("error") as? String == interrupt)
        #expect(try document.number("end.sum_sent.bytes") > 0)
      }
      _ = try await e2eGoodClient(port: port)
    }

    /// Ctrl-C while the client waits on a server that accepted and never answers ends
    /// it at once with iperf3's error (it waited out the 30 s control timeout); `-J`
    /// still prints one document, with the error.
    @Test(.timeLimit(.minutes(1)), arguments: [["-J"], []])
    func interruptWhileSettingUpEndsAtOnce(_ format: [String]) async throws {
      let silent = try Socket(family: .ipv4)
      try silent.bind(to: SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: 0))
      try silent.listen()  // the kernel completes the handshake; nobody reads
      let port = try silent.localAddress.port
      let client = try e2eStartClient(port: port, ["-t", "1"] + format)
      defer { client.kill() }
      // Its whole cookie has arrived: the client, signal handlers in place, now waits.
      #expect(
        try await e2ePoll(within: .seconds(10)) { try silent.waitReadable(timeout: .zero) },
        "the client never connected\n\(client.transcript)")
      let control = try silent.accept()
      var cookie: [UInt8] = []
      let arrived = try await e2ePoll(within: .seconds(10)) {
        guard try control.socket.waitReadable(timeout: .zero) else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = try buffer.withUnsafeMutableBytes { try control.socket.receive(into: $0) }
        cookie += buffer[0..<count]
        return count == 0 || cookie.count >= 37
      }
      #expect(
        arrived && cookie.count == 37, "got \(cookie.count) cookie bytes\n\(client.transcript)")
      #expect(
        client.isRunning, "the client should be waiting for PARAM_EXCHANGE\n\(client.transcript)")
      let signalled = ContinuousClock.now
      Foundation.kill(client.pid, SIGINT)
      #expect(try await client.exitStatus(within: .seconds(5)) == 1, "\(client.transcript)")
      let elapsed = e2eSeconds(signalled.duration(to: .now))
      #expect(elapsed < 2, "the client took \(elapsed) s to stop")
      let interrupt = "interrupt - the client has terminated"
      if format.isEmpty {
        #expect(client.output.contains("bondperf: error - \(interrupt)"), "\(client.transcript)")
      } else {
        let document = try E2EDocument(client.output, from: "interrupted -J client")
        #expect(document.value("error") as? String == interrupt)
      }
    }

    /// What a silent peer sends before going quiet.
    enum Silence: String, CaseIterable, Sendable {
      case nothing
      case partialCookie
    }

    @Test(.timeLimit(.minutes(1)), arguments: Silence.allCases)
    func silentClientDoesNotBlockTheNextTest(_ silence: Silence) async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let silent = try RawTCP(port: port)
      if silence == .partialCookie { try silent.send(Array(e2eCookie().prefix(10))) }
      let (_, elapsed) = try await e2eGoodClient(port: port)
      // The server reads every pending cookie at once: the real test (1 s)
      // doesn't wait for the silent connection's 10 s timeout.
      #expect(elapsed < 5, "the next test took \(elapsed) s")
      let result = silent.readUntilClosed(timeout: .seconds(1))
      #expect(result.closed, "the server should have dropped the silent connection")
      print(
        String(
          format: "E2E silent client (%@): next -t 1 test finished after %.2f s", silence.rawValue,
          elapsed))
    }

    enum Garbage: String, CaseIterable, Sendable {
      case hugeLength
      case zeroLength
      case notJSON
      case jsonArray

      var bytes: [UInt8] {
        switch self {
        case .hugeLength: e2eFrame([], length: 0xFFFF_FFFF)
        case .zeroLength: e2eFrame([])
        case .notJSON: e2eFrame(Array("this is not json".utf8))
        case .jsonArray: e2eFrame(Array("[1,2,3]".utf8))
        }
      }
    }

    @Test(.timeLimit(.minutes(1)), arguments: Garbage.allCases)
    func garbageParametersAreRefused(_ garbage: Garbage) async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let started = ContinuousClock.now
      let raw = try RawTCP(port: port)
      try raw.send(e2eCookie())
      #expect(raw.read(1, timeout: .seconds(5)) == [0x09])
      try raw.send(garbage.bytes)
      let answer = raw.readUntilClosed(timeout: .seconds(12))
      let answered = e2eSeconds(started.duration(to: .now))
      #expect(answer.closed, "the server kept the connection open after \(garbage)")
      if let first = answer.bytes.first {
        #expect(first == 0xfe, "expected SERVER_ERROR, got \(answer.bytes)")
        #expect(answer.bytes.count == 9, "SERVER_ERROR is followed by two int32: \(answer.bytes)")
      }
      let (_, elapsed) = try await e2eGoodClient(port: port)
      print(
        String(
          format: "E2E garbage %@: server answered %@ after %.2f s; next test %.2f s",
          garbage.rawValue, answer.bytes.map { String(format: "%02x", $0) }.joined(), answered,
          elapsed))
    }

    @Test(.timeLimit(.minutes(1)))
    func dataConnectionWithWrongCookieIsDenied() async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      do {
        let control = try RawTCP(port: port)
        let cookie = e2eCookie()
        try control.send(cookie)
        #expect(control.read(1, timeout: .seconds(5)) == [0x09])
        let parameters =
          #"{"tcp":true,"omit":0,"time":1,"num":0,"blockcount":0,"parallel":1,"len":131072}"#
        try control.send(e2eFrame(Array(parameters.utf8)))
        #expect(control.read(1, timeout: .seconds(5)) == [0x0a])
        let intruder = try RawTCP(port: port)
        try intruder.send(e2eCookie())
        let denied = intruder.readUntilClosed(timeout: .seconds(8))
        #expect(denied.bytes == [0xff] && denied.closed, "wrong cookie got \(denied)")
        let stream = try RawTCP(port: port)
        try stream.send(cookie)
        #expect(control.read(2, timeout: .seconds(5)) == [0x01, 0x02], "TEST_START, TEST_RUNNING")
        _ = stream
      }
      // The raw client vanished mid-test; the server must carry on serving.
      let (_, elapsed) = try await e2eGoodClient(port: port)
      print(String(format: "E2E wrong cookie: 0xff, then the next test took %.2f s", elapsed))
    }

    @Test(.timeLimit(.minutes(1)))
    func closedPortIsAOneLineError() async throws {
      let closed = try E2EClosedPort()
      let port = closed.port
      let text = try e2eStartClient(port: port, ["-t", "1"])
      defer { text.kill() }
      #expect(try await text.exitStatus(within: .seconds(10)) != 0)
      let errors = (text.output + text.errorOutput).split(separator: "\n").filter {
        $0.contains("error")
      }
      #expect(errors.count == 1, "\(text.transcript)")
      #expect(errors.first?.contains("Connection refused") == true, "\(text.transcript)")

      let json = try e2eStartClient(port: port, ["-t", "1", "-J"])
      defer { json.kill() }
      #expect(try await json.exitStatus(within: .seconds(10)) != 0)
      let document = try E2EDocument(json.output, from: "bondperf -J client")
      let message = document.value("error") as? String
      #expect(message?.contains("Connection refused") == true, "\(json.transcript)")
    }

    @Test(.timeLimit(.minutes(1)), arguments: [false, true])
    func vanishingServerEndsTheClient(reverse: Bool) async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["-1"])
      defer { server.kill() }
      let client = try await e2eTestInProgress(server: server, port: port, reverse: reverse, ["-J"])
      defer { client.kill() }
      let killed = ContinuousClock.now
      server.kill()
      let status = try await client.exitStatus(within: .seconds(15))
      let took = e2eSeconds(killed.duration(to: .now))
      #expect(status != 0, "\(client.transcript)")
      let document = try E2EDocument(client.output, from: "bondperf -J client")
      #expect(document.value("error") is String, "\(client.transcript)")
      print(
        String(
          format: "E2E server killed (-R %@): client exited %d after %.2f s: %@",
          "\(reverse)", status, took, "\(document.value("error") ?? "")"))
    }

    @Test(.timeLimit(.minutes(1)))
    func jsonStreamEvents() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["-1"])
      defer { server.kill() }
      let client = try e2eStartClient(port: port, ["-t", "2", "--json-stream"])
      defer { client.kill() }
      #expect(try await client.exitStatus(within: .seconds(15)) == 0, "\(client.transcript)")
      var events: [String] = []
      for line in client.output.split(separator: "\n") {
        let event = try E2EDocument(String(line), from: "--json-stream line")
        events.append(event.value("event") as? String ?? "?")
        #expect(event.value("data") != nil, "no data in \(line)")
      }
      #expect(events.first == "start", "\(events)")
      #expect(events.last == "end", "\(events)")
      #expect(events.filter { $0 == "interval" }.count >= 2, "\(events)")
      print("E2E json-stream events: \(events)")
    }

    /// `bondperf server` / `bondperf client HOST` (the subcommand spelling) run a real test.
    @Test(.timeLimit(.minutes(1)))
    func subcommandSpelling() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["-1", "-J"], command: "server")
      defer { server.kill() }
      let client = try ChildProcess(
        try E2EBinaries.bondperf(),
        ["client", "127.0.0.1", "-p", "\(port)", "-t", "1", "-P", "2", "-J"])
      defer { client.kill() }
      #expect(try await client.exitStatus(within: .seconds(15)) == 0, "\(client.transcript)")
      #expect(try await server.exitStatus(within: .seconds(10)) == 0, "\(server.transcript)")
      let clientDocument = try E2EDocument(client.output, from: "bondperf client")
      let serverDocument = try E2EDocument(server.output, from: "bondperf server")
      let received = try clientDocument.number("end.sum_received.bytes")
      #expect(received > 0)
      #expect(received == (try serverDocument.number("end.sum_received.bytes")))
      #expect(try clientDocument.array("start.connected").count == 2)
    }

    @Test(
      arguments: [
        (["-c", "127.0.0.1", "-P", "0"], "-P"),
        (["-c", "127.0.0.1", "-P", "129"], "-P"),
        (["-c", "127.0.0.1", "-R", "--bidir"], "--bidir"),
        (["-c", "127.0.0.1", "-t", "5", "-n", "1M"], "-n"),
        (["-s", "-c", "127.0.0.1"], "-c"),
        (["client", "127.0.0.1", "-P", "0"], "-P"),
        (["-c", "127.0.0.1", "--rcv-timeout", "5"], "--rcv-timeout"),
      ])
    func flagValidation(_ arguments: [String], flag: String) async throws {
      let process = try ChildProcess(try E2EBinaries.bondperf(), arguments)
      defer { process.kill() }
      #expect(try await process.exitStatus(within: .seconds(10)) != 0)
      let lines = process.errorOutput.split(separator: "\n").filter { $0.hasPrefix("Error:") }
      #expect(lines.count == 1, "\(process.transcript)")
      #expect(lines.first?.contains(flag) == true, "\(process.transcript)")
      #expect(!process.output.contains("Connecting"), "validation must happen before connecting")
    }
  }
}
