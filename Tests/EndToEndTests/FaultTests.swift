import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Faults in the middle of a test: a killed client, a killed
/// server (loopback, no root needed) and a cut slave (the emulated bond, root).
///
/// Each test names the protection it exercises; with that protection removed
/// the test fails (by a hang caught by a time limit, or by a missing line).
@Suite(.serialized)
struct FaultTests {
  /// SIGKILL the client 1.5 s into a 5 s test: the server says the client is
  /// gone within a few seconds, and serves the next test.
  ///
  /// Protects: the server's end-of-file check on the control connection during
  /// the test (ServerSession's poll of the control socket, "the client has
  /// unexpectedly closed the connection") and the stream shutdown that follows;
  /// with -R, a send() that fails with EPIPE/ECONNRESET on a vanished peer
  /// (MSG_NOSIGNAL: no SIGPIPE kills the server). Without the control check
  /// the server waits for its 30 s idle timeout and misses the 5 s bound.
  @Test(.timeLimit(.minutes(1)), arguments: [false, true])
  func killedClientIsReportedAndTheServerRecovers(reverse: Bool) async throws {
    let (server, port) = try await e2eStartServer()
    defer { server.kill() }
    let client = try await e2eTestInProgress(server: server, port: port, reverse: reverse)
    defer { client.kill() }
    client.kill()
    let noticed = try await server.secondsUntilOutput(
      contains: "bondperf: error - the client has unexpectedly closed the connection",
      within: .seconds(5))
    #expect(noticed != nil, "the server did not report the vanished client\n\(server.transcript)")
    #expect(server.isRunning, "\(server.transcript)")
    let (_, elapsed) = try await e2eGoodClient(port: port)
    #expect(elapsed < 5, "the next test took \(elapsed) s")
    print(
      String(
        format:
          "Fault client killed (-R %@): server reported it after %.2f s; next -t 1 test took %.2f s",
        "\(reverse)", noticed ?? -1, elapsed))
  }

  /// SIGKILL the server 1.5 s into a 5 s test: the client exits non-zero within
  /// a few seconds with one error line naming the server, and a new server on
  /// the same port works.
  ///
  /// Protects: the client's end-of-file check on the control connection during
  /// the test (ClientSession's poll, ControlConnection.peerClosed; without it a -R
  /// client, whose receivers just see end-of-file, runs on to the end of -t and
  /// misses the 2 s bound) and the error path that shuts every stream down
  /// before returning; the error naming the server (ClientSession.namingTheServer).
  @Test(.timeLimit(.minutes(1)), arguments: [false, true])
  func killedServerIsAOneLineErrorAndANewServerWorks(reverse: Bool) async throws {
    let (server, port) = try await e2eStartServer()
    defer { server.kill() }
    let client = try await e2eTestInProgress(server: server, port: port, reverse: reverse)
    defer { client.kill() }
    let killed = ContinuousClock.now
    server.kill()
    // Within 2 s: the control socket's end-of-file, not the end of the 5 s test, ends it.
    let status = try await client.exitStatus(within: .seconds(2))
    let took = e2eSeconds(killed.duration(to: .now))
    #expect(status != 0, "\(client.transcript)")
    let errors = (client.output + client.errorOutput).split(separator: "\n")
      .filter { $0.contains("error") }
    #expect(errors.count == 1, "one error line expected\n\(client.transcript)")
    let line = errors.first.map(String.init) ?? ""
    #expect(line.hasPrefix("bondperf: error - "), "\(client.transcript)")
    #expect(line.contains("127.0.0.1 port \(port)"), "the error should name the server: \(line)")
    #expect(!client.errorOutput.contains("Fatal error"), "crashed\n\(client.transcript)")

    let (replacement, _) = try await e2eStartServer(port: port)
    defer { replacement.kill() }
    let (_, elapsed) = try await e2eGoodClient(port: port)
    print(
      String(
        format:
          "Fault server killed (-R %@): client exited %d after %.2f s (%@); new server's test took %.2f s",
        "\(reverse)", status, took, line, elapsed))
  }

  /// SIGSTOP the server 1.5 s into an endless (-n 1000G) test: no stream moves,
  /// and the client ends with an error once --rcv-timeout (2 s here) passes;
  /// after SIGCONT the server reports the gone client and serves the next test.
  ///
  /// Protects: the client's idle timeout (StallDetector's allIdleFor in
  /// ClientSession). Without it a byte-count test against a frozen server never
  /// ends: nothing on the control connection or the streams says it is gone.
  @Test(.timeLimit(.minutes(1)))
  func frozenServerEndsAByteCountTestAfterTheIdleTimeout() async throws {
    let (server, port) = try await e2eStartServer()
    defer {
      _ = kill(server.pid, SIGCONT)
      server.kill()
    }
    let client = try e2eStartClient(
      port: port, ["-n", "1000G", "-P", "2", "--rcv-timeout", "2000"])
    defer { client.kill() }
    try await server.waitForOutput(e2eIntervalMarker)  // data moves: the test is under way
    #expect(client.isRunning, "the client should still be testing\n\(client.transcript)")
    let frozen = ContinuousClock.now
    #expect(kill(server.pid, SIGSTOP) == 0)
    let status = try await client.exitStatus(within: .seconds(8))
    let took = e2eSeconds(frozen.duration(to: .now))
    #expect(status != 0, "\(client.transcript)")
    let errors = client.output.split(separator: "\n").filter { $0.hasPrefix("bondperf: error - ") }
    #expect(errors.count == 1, "\(client.transcript)")
    #expect(errors.first?.contains("no data moved on any stream") == true, "\(client.transcript)")
    #expect(took >= 2, "ended before the idle timeout: \(took) s")

    #expect(kill(server.pid, SIGCONT) == 0)
    let (_, elapsed) = try await e2eGoodClient(port: port)
    print(
      String(
        format:
          "Fault server frozen: client ended %.2f s later (%@); after SIGCONT the next -t 1 test took %.2f s",
        took, errors.first.map(String.init) ?? "", elapsed))
  }
}
