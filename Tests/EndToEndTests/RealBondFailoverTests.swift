import Foundation
import Testing

/// A slave taken down in the middle of a test on the real driver (issue 13): the driver
/// moves the flows, bondperf ends with a result and says what changed, and `inspect`
/// shows the link failure. Lab only.
extension RealBondTests {
  /// Nested in RealBondTests, whose `.serialized` covers it: every RealBond test
  /// shares the lab's namespaces, so none may run beside another.
  @Suite(.serialized)
  struct Failover {
    /// balance-xor (layer3+4) on 4 slaves, 4 pinned streams for 8 s; once they run s1 goes
    /// down on the client's side. The driver re-hashes every flow over s0, s2, s3.
    @Test(.timeLimit(.minutes(4)))
    func slaveDownMidTest() async throws {
      let slaves = 4
      try RealBondLab.up(slaves: slaves, mode: "balance-xor", rate: "20mbit")
      defer { RealBondLab.down() }
      let server = try ChildProcess(
        TestbedSupport.env, RealBondLab.server + [TestbedSupport.binary, "-s", "--bond", "bond0"])
      defer { server.kill() }
      // The first bondperf of a lab boot loads through 9p under TCG: allow it a while.
      _ = try await server.listeningPort(within: .seconds(60))
      let client = try ChildProcess(
        TestbedSupport.env,
        RealBondLab.client + [
          TestbedSupport.binary, "-c", "198.18.0.2", "-J", "-t", "8", "-P", String(slaves),
        ])
      defer { client.kill() }
      // The failure must come after the client read the bond: wait until its streams
      // run (the client's own start can take seconds under TCG), then 1 s more.
      let idle = try RealBondLab.txBytes(slaves)
      let deadline = Date().addingTimeInterval(60)
      while try RealBondLab.txBytes(slaves).reduce(0, +) - idle.reduce(0, +) < 500_000,
        Date() < deadline, client.isRunning
      {
        try await Task.sleep(for: .milliseconds(200))
      }
      try await Task.sleep(for: .seconds(1))
      let beforeDown = try RealBondLab.txBytes(slaves)
      try RealBondFiles.ip(["link", "set", "dev", "s1", "down"])
      try await Task.sleep(for: .seconds(1))
      let afterDown = try RealBondLab.txBytes(slaves)
      let status = try await client.exitStatus(within: .seconds(60))
      let end = try RealBondLab.txBytes(slaves)
      try #require(status == 0, "client failed: \(client.text().suffix(800))")

      // The driver's counters: s1 stopped, the others carried the rest.
      let late = zip(end, afterDown).map { $0 - $1 }
      #expect(late[1] < 20_000, "s1 sent \(late[1]) bytes after it went down")
      #expect(late.reduce(0, +) > 1_000_000, "little was sent after the failure: \(late)")
      #expect(zip(afterDown, beforeDown).map { $0 - $1 }.reduce(0, +) >= 0)

      // bondperf's result: a summary, and the change as the counters show it.
      let document = try TestbedSupport.json(
        String(decoding: try Data(contentsOf: client.outputURL), as: UTF8.self))
      let endSection = try #require(document["end"] as? [String: Any])
      let received = try #require(endSection["sum_received"] as? [String: Any])
      #expect((received["bytes"] as? Int ?? 0) > 0)
      let bond = try #require(document["bond"] as? [String: Any])
      let change = try #require(bond["change"] as? [String: Any], "no bond.change in \(bond.keys)")
      #expect(change["usable_slaves_before"] as? [String] == ["s0", "s1", "s2", "s3"])
      #expect(change["usable_slaves_after"] as? [String] == ["s0", "s2", "s3"])
      let failed = try #require(change["failed_slaves"] as? [[String: Any]])
      #expect(failed.map { $0["name"] as? String } == ["s1"])
      #expect(failed.first?["link_failures_after"] as? Int == 1)
      // Where bondperf says each stream went: the slaves that carried the late bytes.
      let moves = try #require(change["stream_moves"] as? [[String: Any]])
      #expect(moves.count == slaves)
      let after = Set(moves.compactMap { $0["slave_after"] as? String })
      #expect(!after.isEmpty && !after.contains("s1"), "moves \(moves)")
      for name in after {
        let index = try #require(Int(name.dropFirst()))
        #expect(late[index] > 100_000, "\(name) predicted after the failure carried \(late[index])")
      }
      for index in [0, 2, 3] where late[index] > 1_000_000 {
        #expect(after.contains("s\(index)"), "s\(index) carried \(late[index]) unpredicted")
      }

      // inspect shows the failure.
      let (json, text) = try RealBondFiles.inspect()
      let files = try RealBondFiles.read()
      let inspected = try RealBondTests.Inspect.slaves(json)
      #expect(inspected["s1"]?["link_failure_count"] as? Int == 1)
      #expect(files.slaveInt("s1", "Link Failure Count") == 1)
      #expect(text.contains("link failures 1"))
      #expect(try RealBondTests.Inspect.usable(json) == ["s0", "s2", "s3"])
      RealBondLab.report(
        "failover: s1 down mid-test; after it, slaves sent "
          + late.map { String(format: "%.0f KB", $0 / 1000) }.joined(separator: " ")
          + "; bondperf: streams on \(after.sorted()) after the failure")
    }
  }
}
