import Foundation
import Testing

/// A slave cut mid-test on the emulated bond, in namespaces of
/// its own (bpx-client, bpx-server) so it never disturbs TestbedTests' testbed.
///
/// Nested in TestbedTests, so it shares that suite's root check (skipped with
/// the reason when not root) and its `.serialized`: the testbeds' throughput
/// tests never run while this one loads the CPU.
extension TestbedTests {
  @Suite struct Faults {
    static let clientNS = "bpx-client"
    static let serverNS = "bpx-server"
    static let environment = TestbedSupport.faultsEnvironment
    static let clientMAC = "02:b0:00:00:00:01"
    static let serverMAC = "02:b0:00:00:00:02"
    static let bondFlags = [
      "--bond-policy", "layer3+4", "--slaves", "s0,s1,s2,s3",
      "--local-mac", clientMAC, "--remote-mac", serverMAC,
    ]

    func run(_ arguments: [String]) throws -> TestbedSupport.Output {
      try TestbedSupport.run(arguments, environment: Self.environment)
    }

    /// The control connection's local port: the one established connection to
    /// the server outside the planned ports (61000 and up).
    func controlPort() throws -> Int? {
      let listing = try run([
        "ip", "netns", "exec", Self.clientNS, "ss", "-tnH", "state", "established",
      ])
      for line in listing.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ")
        guard fields.contains(where: { $0 == "198.18.0.2:5201" }),
          let local = fields.first(where: { $0.hasPrefix("198.18.0.1:") }),
          let port = Int(local.dropFirst("198.18.0.1:".count)), port < 61000
        else { continue }
        return port
      }
      return nil
    }

    /// The slaves the control connection uses, both directions (the model's hash).
    func controlSlaves(port: Int) throws -> Set<Int> {
      let flows = """
        layer3+4 4 \(Self.clientMAC) \(Self.serverMAC) 198.18.0.1 198.18.0.2 tcp \(port) 5201
        layer3+4 4 \(Self.serverMAC) \(Self.clientMAC) 198.18.0.2 198.18.0.1 tcp 5201 \(port)

        """
      let input = FileManager.default.temporaryDirectory.appendingPathComponent(
        "bpx-flows-\(getpid())")
      try flows.write(to: input, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(at: input) }
      let hashed = try run(["sh", "-c", "\(TestbedSupport.binary) hash < \(input.path)"])
      return Set(hashed.stdout.split(separator: "\n").compactMap { Int($0) })
    }

    /// Cuts one slave (`ip link set sK down` on the client side) 1.5 s into a
    /// 6 s test with 4 pinned streams, one per slave. The client names exactly
    /// the stream predicted on that slave as stalled, still ends at -t with a
    /// result (exit 0), and the same server then serves a normal test.
    ///
    /// The slave is chosen so that it carries neither direction of the control
    /// connection (the results exchange needs it; a cut control connection is
    /// the killed-server case).
    ///
    /// Protects: StallDetector in ClientSession (without it nothing names the
    /// stream: `end.bondperf_stalled_streams` is missing); the client's end at
    /// -t although a sender is stuck in the kernel with a full buffer
    /// (DataStream.stopAll's shutdown(2), which wakes the blocked send, backed by
    /// its 2 s join timeout: without both the client hangs and misses the bound;
    /// without the shutdown alone it ends 2 s late, which the bound allows); the
    /// server's stream shutdown at TEST_END for a receiver that will never see
    /// data or FIN.
    @Test(.timeLimit(.minutes(3)))
    func cutSlaveNamesItsStreamAndTheServerServesTheNextTest() async throws {
      let up = try run(
        ["scripts/testbed", "up", "--slaves", "4", "--rate", "100mbit", "--policy", "layer3+4"])
      try #require(up.status == 0, "testbed up failed: \(up.stderr)")
      defer { _ = try? run(["scripts/testbed", "down"]) }
      let server = try ChildProcess(
        TestbedSupport.env,
        [
          "ip", "netns", "exec", Self.serverNS, TestbedSupport.binary, "-s", "--slaves",
          "s0,s1,s2,s3",
        ])
      defer { server.kill() }
      _ = try await server.listeningPort()

      let seconds = 6
      let mark = server.mark
      let client = try ChildProcess(
        TestbedSupport.env,
        [
          "ip", "netns", "exec", Self.clientNS, TestbedSupport.binary, "-c", "198.18.0.2", "-J",
          "-t", "\(seconds)", "-P", "4",
        ] + Self.bondFlags)
      defer { client.kill() }
      // The server's first interval line: all four streams are up and moving data.
      try await server.waitForOutput(e2eIntervalMarker, since: mark)
      let port = try #require(
        try controlPort(), "no control connection found\n\(client.transcript)")
      let busy = try controlSlaves(port: port)
      let cut = try #require((0..<4).first { !busy.contains($0) }, "control uses every slave?")
      let down = try run(["ip", "-n", Self.clientNS, "link", "set", "s\(cut)", "down"])
      try #require(down.status == 0, "link down failed: \(down.stderr)")
      defer { _ = try? run(["ip", "-n", Self.clientNS, "link", "set", "s\(cut)", "up"]) }
      let cutAt = ContinuousClock.now

      let status = try await client.exitStatus(within: .seconds(seconds + 8))
      let total = e2eSeconds(client.started.duration(to: .now))
      let afterCut = e2eSeconds(cutAt.duration(to: .now))
      #expect(status == 0, "a cut slave should still give a result\n\(client.transcript)")
      #expect(total < Double(seconds) + 5, "the client took \(total) s for a \(seconds) s test")
      let document = try TestbedSupport.json(client.output)
      try EndToEnd.JSONSchemaTests.expectValid(document, "the cut-slave client's -J document")
      let end = try #require(document["end"] as? [String: Any])
      let stalled = try #require(
        end["bondperf_stalled_streams"] as? [[String: Any]],
        "no stalled streams recorded\n\(client.output.suffix(1500))")
      let bond = try #require(document["bond"] as? [String: Any])
      let streams = try #require(bond["streams"] as? [[String: Any]])
      let onCut = Set(
        streams.filter { $0["predicted_slave"] as? Int == cut }.compactMap { $0["id"] as? Int })
      let named = Set(stalled.compactMap { $0["id"] as? Int })
      #expect(onCut.count == 1, "one stream per slave: \(streams)")
      #expect(named == onCut, "stalled \(named), predicted on s\(cut): \(onCut)")
      #expect(stalled.allSatisfy { $0["predicted_slave"] as? Int == cut }, "\(stalled)")
      let rows = try #require(bond["per_slave"] as? [[String: Any]])
      let verdicts = rows.map { ($0["slave"] as? Int ?? -1, $0["verdict"] as? String ?? "") }
      for (slave, verdict) in verdicts {
        #expect(verdict.hasPrefix("STALLED") == (slave == cut), "per-slave verdicts \(verdicts)")
      }
      let received = (end["sum_received"] as? [String: Any])?["bits_per_second"] as? Double ?? 0
      #expect(
        received > 100e6, "three live slaves should still carry data: \(received / 1e6) Mbit/s")

      // The link back up, the same server serves a normal test.
      let restored = try run(["ip", "-n", Self.clientNS, "link", "set", "s\(cut)", "up"])
      #expect(restored.status == 0, "\(restored.stderr)")
      #expect(server.isRunning, "\(server.transcript)")
      let next = try ChildProcess(
        TestbedSupport.env,
        [
          "ip", "netns", "exec", Self.clientNS, TestbedSupport.binary, "-c", "198.18.0.2", "-J",
          "-t", "2", "-P", "4",
        ] + Self.bondFlags)
      defer { next.kill() }
      #expect(try await next.exitStatus(within: .seconds(15)) == 0, "\(next.transcript)")
      let nextEnd = try TestbedSupport.json(next.output)["end"] as? [String: Any]
      #expect(nextEnd?["bondperf_stalled_streams"] == nil, "the next test should not stall")
      print(
        String(
          format:
            "Fault slave s%d cut (control on %@): client ended %.2f s after the cut, %.2f s in all (-t %d); stalled %@; next test ok",
          cut, "\(busy.sorted())", afterCut, total, seconds, "\(stalled)"))
    }
  }
}
