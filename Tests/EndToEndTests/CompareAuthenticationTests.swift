import Foundation
import Testing

extension EndToEnd {
  /// `compare` against a server that wants iperf3's RSA authentication: every phase
  /// sends the credentials; without them the first phase is refused with iperf3's reason.
  @Suite(.serialized)
  struct CompareAuthenticationTests {
    @Test(.timeLimit(.minutes(2)))
    func comparePhasesAuthenticate() async throws {
      let keys = try await AuthFixture()
      let (server, port) = try await AuthRun.bondperfServer(keys.serverFlags)
      defer { server.kill() }
      let bondperf = try E2EBinaries.bondperf()
      let output = keys.directory.appendingPathComponent("compare.json")
      let base = ["compare", "-c", "127.0.0.1", "-p", "\(port)", "-P", "2", "-t", "1"]

      let good = try await AuthRun.client(
        bondperf, base + keys.clientFlags() + ["--output", output.path])
      #expect(good.status == 0, "\(good.text)\n\(server.transcript)")
      let document = try E2EDocument(
        String(decoding: try Data(contentsOf: output), as: UTF8.self), from: "compare --output")
      #expect(try document.array("phases").count >= 2, "\(document.text)")

      let refused = try await AuthRun.client(bondperf, base, password: nil)
      #expect(refused.status != 0, "\(refused.text)")
      #expect(refused.text.contains("authorization failed"), "\(refused.text)")
      #expect(server.isRunning)
    }
  }
}
