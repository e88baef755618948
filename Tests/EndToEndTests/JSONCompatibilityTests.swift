import Foundation
import Testing

/// Key-by-key comparison of bondperf's `-J` documents with iperf3 3.12's for the same test.
extension EndToEnd {
  @Suite(.serialized)
  struct JSONCompatibilityTests {
    /// Key paths iperf3 prints that bondperf may leave out, each with its reason.
    /// Empty today: bondperf's documents are a superset of iperf3 3.12's in every mode tested.
    /// (Add an entry only with a justification, e.g. a 3.12 bug bondperf does not copy.)
    static let iperf3OnlyKeys: [String: String] = [:]

    /// Every key path of `reference` (array indices folded) must exist in `candidate` with the same JSON type.
    static func compare(
      reference: E2EDocument, candidate: E2EDocument, what: String,
      sourceLocation: SourceLocation = #_sourceLocation
    ) -> Int {
      var expected: [String: Set<String>] = [:]
      var actual: [String: Set<String>] = [:]
      e2eKeyPaths(reference.root, into: &expected)
      e2eKeyPaths(candidate.root, into: &actual)
      for (path, types) in expected.sorted(by: { $0.key < $1.key }) {
        if iperf3OnlyKeys[path] != nil { continue }
        guard let found = actual[path] else {
          Issue.record(
            "\(what): bondperf lacks \(path) (\(types.sorted()))", sourceLocation: sourceLocation)
          continue
        }
        #expect(
          found == types,
          "\(what): \(path) is \(found.sorted()) in bondperf, \(types.sorted()) in iperf3",
          sourceLocation: sourceLocation)
      }
      return expected.count
    }

    @Test(.timeLimit(.minutes(1)), arguments: E2EMode.allCases)
    func documentsMatchIperf3KeyByKey(_ mode: E2EMode) async throws {
      let arguments = ["-t", "1", "-P", "2"] + mode.flags
      let reference = try await e2eRun(client: .iperf3, server: .iperf3, clientArguments: arguments)
      let bondperfClient = try await e2eRun(
        client: .bondperf, server: .iperf3, clientArguments: arguments)
      let bondperfServer = try await e2eRun(
        client: .iperf3, server: .bondperf, clientArguments: arguments)
      let both = try await e2eRun(client: .bondperf, server: .bondperf, clientArguments: arguments)
      let clientPaths = Self.compare(
        reference: reference.client, candidate: bondperfClient.client,
        what: "client vs iperf3 -s, \(mode)")
      _ = Self.compare(
        reference: reference.client, candidate: both.client, what: "client vs bondperf -s, \(mode)")
      let serverPaths = Self.compare(
        reference: reference.server, candidate: bondperfServer.server,
        what: "server with iperf3 -c, \(mode)")
      _ = Self.compare(
        reference: reference.server, candidate: both.server,
        what: "server with bondperf -c, \(mode)")
      #expect(clientPaths > 80 && serverPaths > 80, "suspiciously few key paths")
      print(
        "E2E JSON \(mode): \(clientPaths) client key paths and \(serverPaths) server key paths compared"
      )
    }
  }
}
