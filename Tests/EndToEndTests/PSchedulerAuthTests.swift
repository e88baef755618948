import Foundation
import Testing

extension EndToEnd {
  /// pScheduler's two-host command lines with iperf3's authentication, bondperf linked as
  /// `iperf3` at one end and iperf3 3.12 at the other. pScheduler adds
  /// `--use-pkcs1-padding` on the 3.17+ side when the other end is older.
  @Suite(.serialized)
  struct PSchedulerAuthTests {
    @Test(.timeLimit(.minutes(2)))
    func bondperfServerIperf3Client() async throws {
      let keys = try await AuthFixture()
      let port = try E2EPorts.probe()
      let server = try ChildProcess(
        try DropIn.iperf3Link(),
        ["-s", "-1", "--idle-timeout", "20", "--json", "-p", "\(port)", "--use-pkcs1-padding"]
          + keys.serverFlags)
      defer { server.kill() }
      #expect(
        try await e2ePoll(within: .seconds(10)) { E2EPorts.isListening(port, by: server.pid) })
      let client = try await AuthRun.client(
        try E2EBinaries.iperf3(),
        ["-p", "\(port)", "-c", "127.0.0.1", "-t", "1", "--json"] + keys.clientFlags())
      #expect(client.status == 0, "iperf3 client: \(client.text)\n\(server.transcript)")
      let missing = try DropIn.missingPaths(
        String(client.text.drop { $0 != "{" }), DropIn.pSchedulerPaths(sending: true))
      #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
      #expect(try await server.exitStatus(within: .seconds(10)) == 0, "\(server.transcript)")
    }

    @Test(.timeLimit(.minutes(2)))
    func bondperfClientIperf3Server() async throws {
      let keys = try await AuthFixture()
      let (server, port) = try await AuthRun.iperf3Server(
        ["-1", "--idle-timeout", "20", "--json"] + keys.serverFlags)
      defer { server.kill() }
      let client = try await AuthRun.client(
        try DropIn.iperf3Link(),
        ["-p", "\(port)", "-c", "127.0.0.1", "-t", "1", "--json", "--use-pkcs1-padding"]
          + keys.clientFlags())
      #expect(client.status == 0, "bondperf client: \(client.text)\n\(server.transcript)")
      let missing = try DropIn.missingPaths(
        String(client.text.drop { $0 != "{" }), DropIn.pSchedulerPaths(sending: true))
      #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
      #expect(try await server.exitStatus(within: .seconds(10)) == 0, "\(server.transcript)")
    }
  }
}
