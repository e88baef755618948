import Foundation
import Testing

/// End-to-end tests through the testbed's switch (`scripts/testbed up --switch`):
/// every calibration verdict, the receive-side warning without calibration,
/// and the interop rule (an iperf3 peer sees nothing new).
///
/// Own namespaces (bps-client, bps-server, bps-client-sw), so they never touch
/// another suite's testbed. They need root, as CI runs.
@Suite(
  .serialized,
  .enabled(
    if: TestbedSupport.isRoot,
    "SKIPPED: switch testbed tests need root (network namespaces); run as root, as CI does"))
struct SwitchTests {
  static let environment: [String: String] = [
    "TESTBED_CLIENT_NS": "bps-client", "TESTBED_SERVER_NS": "bps-server",
    "TESTBED_STATE_DIR": "/run/bondperf-switch-tests",
  ]
  static let client = ["ip", "netns", "exec", "bps-client"]
  static let server = ["ip", "netns", "exec", "bps-server"]
  static let bondFlags = ["--bond-policy", "layer3+4", "--slaves", "s0,s1,s2,s3"]
  /// TCP goodput of 4 x 100 Mbit/s.
  static let ceiling = 4 * 100e6 * 1448 / 1514

  /// `bondperfBlind`: a bondperf server that watches no slaves (no `--slaves`).
  enum Peer { case bondperf, bondperfBlind, iperf3, none }

  /// Brings up the switch testbed with `hash` and `seed`, starts the server
  /// side, runs `body`, and tears everything down.
  func withSwitch(
    _ hash: String, seed: Int = 3, peer: Peer = .bondperf, _ body: () async throws -> Void
  ) async throws {
    let up = try TestbedSupport.run(
      [
        "scripts/testbed", "up", "--slaves", "4", "--rate", "100mbit", "--switch",
        "--switch-hash", hash, "--switch-seed", "\(seed)",
      ], environment: Self.environment)
    try #require(up.status == 0, "testbed up failed: \(up.stderr)")
    defer {
      _ = try? TestbedSupport.run(["scripts/testbed", "down"], environment: Self.environment)
    }
    switch peer {
    case .bondperf, .bondperfBlind:
      let watch = peer == .bondperf ? ["--slaves", "s0,s1,s2,s3"] : []
      let server = try ChildProcess(
        TestbedSupport.env, Self.server + [TestbedSupport.binary, "-s", "-p", "5201"] + watch)
      defer { server.kill() }
      _ = try await server.listeningPort()
      try await body()
    case .iperf3:
      let iperf3 = try E2EBinaries.iperf3()
      let server = try ChildProcess(
        TestbedSupport.env, Self.server + [iperf3.path, "-s", "-p", "5201"])
      defer { server.kill() }
      let listening = try await e2ePoll(within: .seconds(10)) {
        let ss = try? TestbedSupport.run(
          Self.server + ["ss", "-Htln", "sport = :5201"], environment: Self.environment)
        return (ss?.stdout.contains("5201") ?? false)
      }
      try #require(listening, "iperf3 never listened\n\(server.transcript)")
      try await body()
    case .none:
      try await body()
    }
  }

  func runClient(_ extra: [String], expectSuccess: Bool = true) throws -> (
    TestbedSupport.Output, [String: Any]?
  ) {
    let output = try TestbedSupport.run(
      Self.client + [TestbedSupport.binary, "-c", "198.18.0.2", "-p", "5201"] + Self.bondFlags
        + extra, environment: Self.environment)
    if expectSuccess {
      #expect(output.status == 0, "client failed: \(output.stdout.suffix(600)) \(output.stderr)")
    }
    let document = extra.contains("-J") ? try? TestbedSupport.json(output.stdout) : nil
    return (output, document)
  }

  static func received(_ document: [String: Any]) -> Double {
    let end = document["end"] as? [String: Any]
    let sum = end?["sum_received"] as? [String: Any]
    return sum?["bits_per_second"] as? Double ?? 0
  }

  static func calibration(_ document: [String: Any]) throws -> [String: Any] {
    let bond = try #require(document["bond"] as? [String: Any])
    return try #require(bond["calibration"] as? [String: Any], "no bond.calibration")
  }

  @Test(.timeLimit(.minutes(3)))
  func l4SwitchIsCalibratedToASpread() async throws {
    try await withSwitch("l4", seed: 5) {
      let (_, document) = try runClient(["-J", "-P", "4", "-t", "4", "-O", "1", "--calibrate"])
      let doc = try #require(document)
      let calibration = try Self.calibration(doc)
      #expect(calibration["verdict"] as? String == "spread", "\(calibration)")
      #expect((calibration["seconds"] as? Double ?? 99) <= 3)
      let streams = try #require(calibration["streams"] as? [[String: Any]])
      #expect(streams.compactMap { $0["slave"] as? Int }.sorted() == [0, 1, 2, 3])
      #expect(streams.compactMap { $0["peer_slave"] as? Int }.sorted() == [0, 1, 2, 3])
      // The test bound the calibrated ports.
      let bond = try #require(doc["bond"] as? [String: Any])
      let used = (bond["streams"] as? [[String: Any]] ?? []).compactMap { $0["local_port"] as? Int }
      #expect(Set(used) == Set(streams.compactMap { $0["local_port"] as? Int }))
      let rate = Self.received(doc)
      #expect(rate >= 0.9 * Self.ceiling, "received \(rate / 1e6) Mbit/s")
      #expect(bond["receive_side"] == nil)
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func withoutCalibrationTheReceiveSideSpreadIsNamed() async throws {
    // Seed 1's switch sends two of the four plainly pinned streams to one server slave.
    try await withSwitch("l4", seed: 1) {
      let (_, document) = try runClient(["-J", "-P", "4", "-t", "3"])
      let doc = try #require(document)
      let bond = try #require(doc["bond"] as? [String: Any])
      let advice = bond["receive_side"] as? String
      #expect(advice?.contains("run with --calibrate") == true, "\(bond)")
      let peer = try #require(bond["peer_per_slave"] as? [[String: Any]])
      #expect(peer.contains { ($0["verdict"] as? String ?? "").contains("(a switch)") })
      let (text, _) = try runClient(["-P", "4", "-t", "2"])
      #expect(text.stdout.contains("the receive side is spread by something between the hosts"))
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func reverseAndBidirAreCalibratedBothWays() async throws {
    // Seed 3: plain pinning with -R reaches only 2 of the client's 4 links.
    try await withSwitch("l4", seed: 3) {
      let (_, plain) = try runClient(["-J", "-P", "4", "-t", "2", "-R"])
      let plainDocument = try #require(plain)
      let plainBond = try #require(plainDocument["bond"] as? [String: Any])
      #expect(plainBond["receive_side"] != nil, "the client's rx shows the switch")
      let (_, reverse) = try runClient(["-J", "-P", "4", "-t", "4", "-O", "1", "-R", "--calibrate"])
      let reversed = try #require(reverse)
      #expect(try Self.calibration(reversed)["verdict"] as? String == "spread")
      #expect(Self.received(reversed) >= 0.9 * Self.ceiling, "-R \(Self.received(reversed) / 1e6)")
      let (_, bidir) = try runClient([
        "-J", "-P", "4", "-t", "4", "-O", "1", "--bidir", "--calibrate",
      ])
      let both = try #require(bidir)
      #expect(try Self.calibration(both)["verdict"] as? String == "spread")
      let bothCalibration = try Self.calibration(both)
      let streams = try #require(bothCalibration["streams"] as? [[String: Any]])
      #expect(streams.count == 8)
      let end = try #require(both["end"] as? [String: Any])
      let forward = (end["sum_received"] as? [String: Any])?["bits_per_second"] as? Double ?? 0
      let back =
        (end["sum_received_bidir_reverse"] as? [String: Any])?["bits_per_second"] as? Double ?? 0
      #expect(forward >= 0.85 * Self.ceiling, "forward \(forward / 1e6)")
      #expect(back >= 0.85 * Self.ceiling, "reverse \(back / 1e6)")
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func l3SwitchSaysPortsCannotSteer() async throws {
    try await withSwitch("l3") {
      let (output, document) = try runClient(["-J", "-P", "4", "-t", "2", "--calibrate"])
      let doc = try #require(document, "\(output.stderr)")
      let calibration = try Self.calibration(doc)
      #expect(calibration["verdict"] as? String == "l3_only", "\(calibration)")
      let reason = calibration["reason"] as? String ?? ""
      #expect(reason.contains("ignores TCP ports") && reason.contains("layer-4"), "\(reason)")
      #expect((calibration["seconds"] as? Double ?? 99) <= 3)
      #expect(Self.received(doc) > 50e6, "the test still ran")
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func perPacketSwitchIsNamed() async throws {
    try await withSwitch("per-packet") {
      let (output, document) = try runClient(["-J", "-P", "4", "-t", "2", "--calibrate"])
      let doc = try #require(document, "\(output.stderr)")
      let calibration = try Self.calibration(doc)
      #expect(calibration["verdict"] as? String == "per_packet", "\(calibration)")
      #expect(Self.received(doc) > 0, "the test still ran")
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func adaptiveSwitchIsNamed() async throws {
    try await withSwitch("adaptive") {
      let (output, document) = try runClient(["-J", "-P", "4", "-t", "2", "--calibrate"])
      let doc = try #require(document, "\(output.stderr)")
      let calibration = try Self.calibration(doc)
      #expect(calibration["verdict"] as? String == "adaptive", "\(calibration)")
      #expect((calibration["reason"] as? String ?? "").contains("moved"))
      #expect(Self.received(doc) > 0, "the test still ran")
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func calibrateAgainstIperf3ServerIsOneLineError() async throws {
    try await withSwitch("l4", peer: .iperf3) {
      let (output, _) = try runClient(["-P", "4", "-t", "2", "--calibrate"], expectSuccess: false)
      #expect(output.status != 0)
      let lines = output.stderr.split(separator: "\n")
      #expect(lines.count == 1, "\(output.stderr)")
      #expect(output.stderr.contains("--calibrate needs a bondperf server"), "\(output.stderr)")
      // Without --calibrate the same iperf3 server serves as before.
      let (plain, _) = try runClient(["-P", "4", "-t", "2"])
      #expect(plain.status == 0)
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func iperf3ClientSeesNothingNew() async throws {
    try await withSwitch("l4") {
      let iperf3 = try E2EBinaries.iperf3()
      let output = try TestbedSupport.run(
        Self.client + [iperf3.path, "-c", "198.18.0.2", "-p", "5201", "-P", "4", "-t", "2", "-J"],
        environment: Self.environment)
      #expect(output.status == 0, "\(output.stderr)")
      #expect(!output.stdout.contains("bondperf_arrivals"))
      let document = try TestbedSupport.json(output.stdout)
      #expect(Self.received(document) > 0)
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func aServerWatchingNoSlavesIsUnavailable() async throws {
    try await withSwitch("l4", peer: .bondperfBlind) {
      let (output, document) = try runClient(["-J", "-P", "4", "-t", "2", "--calibrate"])
      let doc = try #require(document, "\(output.stderr)")
      let calibration = try Self.calibration(doc)
      #expect(calibration["verdict"] as? String == "unavailable", "\(calibration)")
      #expect(!(calibration["reason"] as? String ?? "").isEmpty)
      #expect(Self.received(doc) > 50e6, "the test still ran, with plain pinning")
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func aPortRangeTooNarrowForASpreadIsSkewed() async throws {
    // Eight candidate ports: two per client slave, too few for every stream to
    // also reach its own server slave through seed 3's switch.
    try await withSwitch("l4") {
      let (output, document) = try runClient(
        ["-J", "-P", "4", "-t", "2", "--calibrate", "--port-range", "50000-50007"])
      let doc = try #require(document, "\(output.stderr)")
      let calibration = try Self.calibration(doc)
      #expect(calibration["verdict"] as? String == "skewed", "\(calibration)")
      #expect((calibration["reason"] as? String ?? "").contains("--port-range"), "\(calibration)")
      let streams = try #require(calibration["streams"] as? [[String: Any]])
      #expect(streams.allSatisfy { (50000...50007).contains($0["local_port"] as? Int ?? 0) })
      #expect(Self.received(doc) > 50e6, "the test still ran on the best ports found")
    }
  }

  /// Issue 14, item 5: `compare --repeat N` runs the kernel-port phase N times
  /// and sums the lottery up; the chosen-port phases run once.
  @Test(.timeLimit(.minutes(3)))
  func compareRepeatsTheKernelPortPhase() async throws {
    try await withSwitch("l4", seed: 1) {
      let output = try TestbedSupport.run(
        Self.client + [
          TestbedSupport.binary, "compare", "-c", "198.18.0.2", "-p", "5201", "-P", "4", "-t",
          "1", "--repeat", "3", "--calibrate", "--json",
        ] + Self.bondFlags, environment: Self.environment)
      #expect(output.status == 0, "\(output.stderr)")
      #expect(output.stderr.contains("run 3 of 3"), "\(output.stderr)")
      #expect(output.stderr.contains("covered every slave"), "\(output.stderr)")
      let document = try TestbedSupport.json(output.stdout)
      try EndToEnd.JSONSchemaTests.expectValid(
        document, "compare --repeat", against: EndToEnd.JSONSchemaTests.compareSchema)
      let phases = try #require(document["phases"] as? [[String: Any]])
      #expect(
        phases.compactMap { $0["name"] as? String }
          == ["single", "kernel_ports", "pinned", "calibrated"])
      let kernel = try #require(phases.first { $0["name"] as? String == "kernel_ports" })
      let lottery = try #require(kernel["repeat"] as? [String: Any], "\(kernel.keys)")
      let each = try #require(lottery["each"] as? [[String: Any]])
      #expect(lottery["runs"] as? Int == 3 && each.count == 3)
      let rates = each.compactMap { $0["bits_per_second"] as? Double }.sorted()
      #expect(rates.count == 3 && rates.allSatisfy { $0 > 0 })
      #expect(lottery["min_bits_per_second"] as? Double == rates.first)
      #expect(lottery["max_bits_per_second"] as? Double == rates.last)
      #expect(lottery["median_bits_per_second"] as? Double == rates[1])
      #expect(kernel["bits_per_second"] as? Double == rates[1])
      let covered = each.filter { $0["covered_every_slave"] as? Bool == true }.count
      #expect(lottery["runs_covering_every_slave"] as? Int == covered)
      // The server watched its slaves, so each run says how many it used.
      #expect(each.allSatisfy { $0["peer_slaves"] as? Int == 4 }, "\(each)")
      #expect(phases.filter { $0["repeat"] != nil }.count == 1)
    }
  }
}
