import Foundation
import Testing

/// Hostile and broken peers against one server. Each test names the
/// protection it exercises; without it, the assertion marked "fails without"
/// would not hold.
extension EndToEnd {
  @Suite(.serialized)
  struct HardeningTests {
    /// Protection: pending control connections are read all at once.
    /// Fails without: one silent connection ahead in the queue would hold the
    /// next client for the full 10 s cookie timeout (four would hold it 40 s).
    @Test(.timeLimit(.minutes(1)))
    func silentConnectionsDelayNobody() async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let silent = try (0..<3).map { _ in try RawTCP(port: port) }
      let partial = try RawTCP(port: port)
      try partial.send(Array(e2eCookie().prefix(20)))
      // No wait needed: each connect returned once the handshake was done, so all four
      // sit in the accept queue ahead of the good client, and are accepted before it.
      let (_, elapsed) = try await e2eGoodClient(port: port)
      #expect(elapsed < 5, "the good client waited \(elapsed) s behind silent connections")
      // When the test started, the others were told the server is busy.
      for connection in silent + [partial] {
        let answer = connection.readUntilClosed(timeout: .seconds(2))
        #expect(answer.bytes == [0xff] && answer.closed, "expected ACCESS_DENIED, got \(answer)")
      }
      print(
        String(format: "E2E hardening: 4 silent connections, good -t 1 test took %.2f s", elapsed))
    }

    /// Protection: the first-byte timeout (`--rcv-timeout`).
    /// Fails without: the silent connection stays open.
    @Test(.timeLimit(.minutes(1)))
    func silentConnectionIsDroppedAfterTheReceiveTimeout() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["--rcv-timeout", "1000"])
      defer { server.kill() }
      let started = ContinuousClock.now
      let silent = try RawTCP(port: port)
      let answer = silent.readUntilClosed(timeout: .seconds(5))
      let elapsed = e2eSeconds(started.duration(to: .now))
      #expect(answer.closed && answer.bytes.isEmpty, "\(answer)")
      #expect(elapsed > 0.8 && elapsed < 3, "dropped after \(elapsed) s")
      #expect(
        try await server.secondsUntilOutput(contains: "sent nothing within", within: .seconds(2))
          != nil, "\(server.transcript)")
      _ = try await e2eGoodClient(port: port)
    }

    /// Protection: a cookie-length run of bytes that isn't a cookie is refused
    /// at once. Fails without: the server waits for the 10 s timeout.
    @Test(.timeLimit(.minutes(1)))
    func garbageInsteadOfACookieIsDroppedAtOnce() async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let started = ContinuousClock.now
      let raw = try RawTCP(port: port)
      try raw.send([UInt8](repeating: 0xff, count: 64))
      let answer = raw.readUntilClosed(timeout: .seconds(5))
      let elapsed = e2eSeconds(started.duration(to: .now))
      #expect(answer.closed && elapsed < 2, "closed: \(answer.closed) after \(elapsed) s")
      #expect(
        try await server.secondsUntilOutput(
          contains: "do not start with an iperf3 cookie", within: .seconds(2)) != nil,
        "\(server.transcript)")
      _ = try await e2eGoodClient(port: port)
    }

    /// Protection: the length prefix is checked before any body is read.
    /// Fails without: the server waits for 4 GiB that never come (no answer).
    @Test(.timeLimit(.minutes(1)))
    func fourGiBLengthPrefixIsRefusedUnread() async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let client = try RawClient(port: port)
      try client.sendCookie()
      let started = ContinuousClock.now
      try client.control.send([0xff, 0xff, 0xff, 0xff])
      let answer = client.control.readUntilClosed(timeout: .seconds(5))
      let elapsed = e2eSeconds(started.duration(to: .now))
      #expect(
        answer.bytes == e2eServerError(114),
        "expected SERVER_ERROR IERECVPARAMS, got \(answer.bytes)")
      #expect(answer.closed && elapsed < 1.5, "answered after \(elapsed) s")
      #expect(
        try await server.secondsUntilOutput(
          contains: "frame length 4294967295 is outside", within: .seconds(2)) != nil,
        "\(server.transcript)")
      _ = try await e2eGoodClient(port: port)
    }

    /// Protection: the results frame has its own cap (256 KiB).
    /// Fails without: the server reads on, waiting for 4 GiB.
    @Test(.timeLimit(.minutes(1)))
    func hugeResultsFrameIsRefused() async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let client = try RawClient(port: port)
      try client.startTest()
      try client.data[0].send([UInt8](repeating: 7, count: 65536))
      try client.endTest()
      try client.control.send([0x00, 0x10, 0x00, 0x01])  // 1 MiB + 1
      let answer = client.control.readUntilClosed(timeout: .seconds(5))
      #expect(
        answer.bytes == e2eServerError(117),
        "expected SERVER_ERROR IERECVRESULTS, got \(answer.bytes)")
      #expect(answer.closed)
      _ = try await e2eGoodClient(port: port)
    }

    enum Truncation: String, CaseIterable, Sendable {
      /// The frame is complete but the JSON inside stops halfway.
      case jsonCutShort
      /// The length says 200 bytes; 60 come, then nothing.
      case frameCutShort
    }

    /// Protection: JSON is parsed only from a whole frame, and a frame must be
    /// complete within three receive timeouts.
    /// Fails without: a cut frame holds the connection (and the server) open.
    @Test(.timeLimit(.minutes(1)), arguments: Truncation.allCases)
    func truncatedParametersAreRefused(_ truncation: Truncation) async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["--rcv-timeout", "1000"])
      defer { server.kill() }
      let client = try RawClient(port: port)
      try client.sendCookie()
      let started = ContinuousClock.now
      switch truncation {
      case .jsonCutShort:
        try client.control.send(e2eFrame(Array(#"{"tcp":true,"time":"#.utf8)))
      case .frameCutShort:
        try client.control.send(Array(e2eFrame(RawClient.parameters, length: 200).prefix(64)))
      }
      let answer = client.control.readUntilClosed(timeout: .seconds(6))
      let elapsed = e2eSeconds(started.duration(to: .now))
      #expect(
        answer.bytes == e2eServerError(114),
        "expected SERVER_ERROR IERECVPARAMS, got \(answer.bytes)")
      #expect(answer.closed)
      let limit = truncation == .jsonCutShort ? 1.5 : 4.5
      #expect(elapsed < limit, "answered after \(elapsed) s")
      _ = try await e2eGoodClient(port: port)
      print(String(format: "E2E hardening: %@ refused after %.2f s", truncation.rawValue, elapsed))
    }

    /// Protection: the whole-message deadline. A client sending one byte of a
    /// frame every 300 ms never trips the first-byte timeout.
    /// Fails without: the trickle keeps the connection open for minutes.
    @Test(.timeLimit(.minutes(1)))
    func tricklingClientIsDropped() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["--rcv-timeout", "1000"])
      defer { server.kill() }
      let client = try RawClient(port: port)
      try client.sendCookie()
      let started = ContinuousClock.now
      let frame = e2eFrame(RawClient.parameters, length: 4000)
      var answer: (bytes: [UInt8], closed: Bool) = ([], false)
      for byte in frame.prefix(40) {
        try? client.control.send([byte])
        let read = client.control.readUntilClosed(timeout: .milliseconds(300))
        answer.bytes += read.bytes
        if read.closed {
          answer.closed = true
          break
        }
      }
      let elapsed = e2eSeconds(started.duration(to: .now))
      #expect(answer.closed, "the trickling client was still connected after \(elapsed) s")
      #expect(elapsed < 5, "dropped after \(elapsed) s")
      #expect(answer.bytes == e2eServerError(114), "\(answer.bytes)")
      _ = try await e2eGoodClient(port: port)
    }

    /// Protection: a state byte iperf3 never sends ends the test with
    /// SERVER_ERROR IEMESSAGE. Fails without: no answer, or a hang until TEST_END.
    @Test(.timeLimit(.minutes(1)))
    func unknownStateByteMidTestGetsServerError() async throws {
      let (server, port) = try await e2eStartServer()
      defer { server.kill() }
      let client = try RawClient(port: port)
      try client.startTest()
      try client.control.send([0x63])
      let answer = client.control.readUntilClosed(timeout: .seconds(5))
      #expect(
        answer.bytes == e2eServerError(110), "expected SERVER_ERROR IEMESSAGE, got \(answer.bytes)")
      #expect(answer.closed)
      #expect(
        try await server.secondsUntilOutput(
          contains: "unknown control message 0x63", within: .seconds(2)) != nil,
        "\(server.transcript)")
      _ = try await e2eGoodClient(port: port)
    }

    /// Protection: `--max-streams`. Fails without: the -P 3 test runs.
    @Test(.timeLimit(.minutes(1)))
    func tooManyStreamsAreRefused() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["--max-streams", "2"])
      defer { server.kill() }
      try await e2eRefusedClient(
        port: port, ["-t", "1", "-P", "3"], saying: "number of parallel streams too large")
      #expect(
        try await server.secondsUntilOutput(
          contains: "this server allows 2 (--max-streams)", within: .seconds(2)) != nil,
        "\(server.transcript)")
      _ = try await e2eGoodClient(port: port, ["-t", "1", "-P", "2"])
    }

    /// Protection: `--allow`. Fails without: the loopback client is served.
    @Test(.timeLimit(.minutes(1)))
    func clientOutsideAllowIsRefused() async throws {
      let (server, port) = try await e2eStartServer(
        .bondperf, ["--allow", "198.18.0.0/15,2001:2::/48"])
      defer { server.kill() }
      let refused = try await e2eRefusedClient(
        port: port, ["-t", "1"], saying: "test authorization failed")
      #expect(refused < 3)
      #expect(
        try await server.secondsUntilOutput(
          contains: "refused connection from 127.0.0.1: not in --allow", within: .seconds(2))
          != nil,
        "\(server.transcript)")

      let (open, openPort) = try await e2eStartServer(
        .bondperf, ["--allow", "10.0.0.0/8, 127.0.0.0/8"])
      defer { open.kill() }
      _ = try await e2eGoodClient(port: openPort)
    }

    /// Protection: `--data-idle-timeout`. A client frozen mid-test (SIGSTOP) keeps
    /// its sockets open but moves nothing. Fails without: the server waits for
    /// the 30 s + 40 s watchdog.
    @Test(.timeLimit(.minutes(1)))
    func frozenClientIsAbandonedAfterTheIdleTimeout() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["--data-idle-timeout", "2"])
      defer { server.kill() }
      let frozen = try e2eStartClient(port: port, ["-t", "30"])
      defer { frozen.kill() }
      try await server.waitForOutput(e2eIntervalMarker)  // data moves: the test is under way
      kill(frozen.pid, SIGSTOP)
      let stopped = ContinuousClock.now
      let found =
        try await server.secondsUntilOutput(contains: "no data moved for", within: .seconds(8))
        != nil
      let elapsed = e2eSeconds(stopped.duration(to: .now))
      #expect(found, "\(server.transcript)")
      #expect(elapsed < 6, "the server gave up after \(elapsed) s")
      frozen.kill()
      _ = try await e2eGoodClient(port: port)
      print(String(format: "E2E hardening: frozen client abandoned %.2f s after SIGSTOP", elapsed))
    }

    /// Protection: `--max-duration`. Fails without: the -t 5 test runs, and
    /// the byte-bounded test runs until its 100 GB are through.
    @Test(.timeLimit(.minutes(1)))
    func maxDurationLimitsTests() async throws {
      let (server, port) = try await e2eStartServer(.bondperf, ["--max-duration", "2"])
      defer { server.kill() }
      try await e2eRefusedClient(port: port, ["-t", "5"], saying: "exceeds the server's maximum")

      let elapsed = try await e2eRefusedClient(
        port: port, ["-n", "100G"], saying: "server test duration expired", within: .seconds(15))
      #expect(elapsed > 1.8 && elapsed < 5, "the byte-bounded test ended after \(elapsed) s")
      _ = try await e2eGoodClient(port: port)
    }

    /// Protection: SIGPIPE ignored and output errors survived. The server's
    /// standard output is a pipe nobody reads any more.
    /// Fails without: the first line written after the reader left kills the
    /// server (SIGPIPE, or a trap in FileHandle.write), so the second test fails.
    @Test(.timeLimit(.minutes(1)))
    func closedOutputPipeDoesNotStopTheServer() async throws {
      let process = Process()
      process.executableURL = try E2EBinaries.bondperf()
      process.arguments = ["-s", "-p", "0"]
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.nullDevice
      process.standardInput = FileHandle.nullDevice
      try process.run()
      defer {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
      }
      try pipe.fileHandleForWriting.close()
      // Read its "Server listening on PORT" line (end of file if it dies first), then
      // leave: everything it prints from then on meets a closed pipe.
      var greeting = ""
      while greeting.range(of: e2eListeningMarker).map({ greeting[$0.upperBound...] })?
        .contains("\n") != true
      {
        let chunk = pipe.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        greeting += String(decoding: chunk, as: UTF8.self)
      }
      try pipe.fileHandleForReading.close()
      let port = try #require(
        e2eListeningPort(in: greeting), "the server never listened: \(greeting)")
      _ = try await e2eGoodClient(port: port)
      _ = try await e2eGoodClient(port: port)
      #expect(process.isRunning, "the server died after its output pipe closed")
    }
  }
}
