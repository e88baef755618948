import BondPerfCore
import Foundation
import Testing

/// The lab around the RealBond suite: `scripts/lab` boots a distro kernel with the
/// bonding driver and sets `BONDPERF_LAB=1`; `scripts/testbed up --driver kernel`
/// builds real bonds there, in namespaces of this suite's own.
enum RealBondLab {
  static let inLab = ProcessInfo.processInfo.environment["BONDPERF_LAB"] == "1"

  static let skipReason = Comment(
    rawValue:
      "SKIPPED: the RealBond suite needs the kernel's bonding driver, which runs only in the "
      + "VM lab: scripts/lab --test RealBond (.ci/run runs it)")

  static let clientNS = "bpr-client"
  static let serverNS = "bpr-server"
  static let environment: [String: String] = [
    "TESTBED_CLIENT_NS": clientNS, "TESTBED_SERVER_NS": serverNS,
    "TESTBED_STATE_DIR": "/run/bondperf-testbed-realbond",
  ]
  static let client = ["ip", "netns", "exec", clientNS]
  static let server = ["ip", "netns", "exec", serverNS]
  static let clientMAC = "02:b0:00:00:00:01"

  /// The running kernel (the lab's), for the model's hash variant.
  static var kernel: KernelVersion {
    get throws {
      let release = try String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
      return try #require(KernelVersion(release.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
  }

  @discardableResult
  static func run(_ arguments: [String], timeout: TimeInterval = 120) throws
    -> TestbedSupport.Output
  {
    try TestbedSupport.run(arguments, timeout: timeout, environment: environment)
  }

  /// A real bond on both sides (`scripts/testbed up --driver kernel`).
  static func up(slaves: Int, mode: String, policy: String = "layer3+4", rate: String)
    throws
  {
    #expect(
      FileManager.default.fileExists(atPath: "/sys/class/net/bonding_masters"),
      "the bonding module is not loaded in the lab")
    let output = try run(
      [
        "scripts/testbed", "up", "--driver", "kernel", "--slaves", String(slaves), "--mode", mode,
        "--policy", policy, "--rate", rate,
      ], timeout: 180)
    try #require(output.status == 0, "testbed up failed: \(output.stdout) \(output.stderr)")
  }

  static func down() {
    _ = try? run(["scripts/testbed", "down"])
  }

  /// Reads a file inside a namespace (sysfs and procfs are per namespace).
  static func read(_ path: String, in ns: [String] = client) throws -> String {
    let output = try run(ns + ["cat", path])
    try #require(output.status == 0, "cannot read \(path): \(output.stderr)")
    return output.stdout
  }

  static func txBytes(_ slaves: Int, in ns: [String] = client) throws -> [Double] {
    try (0..<slaves).map { index in
      let text = try read("/sys/class/net/s\(index)/statistics/tx_bytes", in: ns)
      return try #require(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
  }

  /// A figure for the README and the CI log (swift test prints standard output).
  static func report(_ line: String) {
    print("RealBond: \(line)")
  }
}

/// Tests against the real Linux bonding driver (issue 13), inside `scripts/lab`'s VM.
/// Every check reads the driver's own counters or files. Outside the lab the suite is
/// reported as skipped with the reason, never as passed.
@Suite(.serialized, .enabled(if: RealBondLab.inLab, RealBondLab.skipReason))
struct RealBondTests {
  // MARK: hash fidelity

  /// A deterministic generator (SplitMix64), so a failing flow can be replayed.
  struct Generator {
    var random: SplitMix64
    mutating func next() -> UInt64 { random.next() }
    mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
    mutating func port() -> UInt16 { UInt16(1024 + next() % 60000) }
  }

  struct Probe {
    var proto: String
    var family: String
    var source: String
    var sourcePort: UInt16
    var destination: String
    var destinationPort: UInt16
    var line: String {
      "\(proto) \(family) \(source) \(sourcePort) \(destination) \(destinationPort)"
    }
  }

  static let slaveCountForHash = 3
  static let flowsPerCase = 64
  static let hashPolicies: [BondHashPolicy] = [.layer2, .layer2_3, .layer3_4, .encap2_3]

  /// Extra addresses on the client's bond and neighbours (each with its own MAC) on the
  /// link, so that MACs, addresses and ports all vary between flows.
  static let sources4 = ["198.18.0.1"] + (11...14).map { "198.18.0.\($0)" }
  static let sources6 = ["2001:2::1"] + (11...14).map { "2001:2::\(String($0, radix: 16))" }
  static let neighbours4: [(String, String)] =
    [("198.18.0.2", "02:b0:00:00:00:02")]
    + (0..<24).map {
      ("198.18.0.\(100 + $0)", String(format: "02:b0:00:00:01:%02x", ($0 * 11 + 3) % 256))
    }
  static let neighbours6: [(String, String)] =
    [("2001:2::2", "02:b0:00:00:00:02")]
    + (0..<24).map {
      (
        "2001:2::\(String(0x100 + $0, radix: 16))",
        String(format: "02:b0:00:00:02:%02x", ($0 * 13 + 5) % 256)
      )
    }

  static func addAddressesAndNeighbours() throws {
    var batch = ""
    for source in sources4.dropFirst() { batch += "addr add \(source)/24 dev bond0\n" }
    for source in sources6.dropFirst() { batch += "addr add \(source)/64 dev bond0 nodad\n" }
    for (address, mac) in neighbours4 + neighbours6 {
      batch += "neigh replace \(address) lladdr \(mac) dev bond0 nud permanent\n"
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bondperf-realbond-\(getpid()).batch")
    try batch.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let output = try RealBondLab.run(["ip", "-n", RealBondLab.clientNS, "-batch", file.path])
    try #require(output.status == 0, "ip -batch failed: \(output.stderr)")
  }

  static func probes(seed: UInt64) -> [Probe] {
    var generator = Generator(random: SplitMix64(seed: seed))
    var probes: [Probe] = []
    for proto in ["udp", "tcp"] {
      for family in ["4", "6"] {
        let sources = family == "4" ? sources4 : sources6
        let destinations = (family == "4" ? neighbours4 : neighbours6).map(\.0)
        for _ in 0..<flowsPerCase {
          probes.append(
            Probe(
              proto: proto, family: family, source: generator.pick(sources),
              sourcePort: generator.port(), destination: generator.pick(destinations),
              destinationPort: generator.port()))
        }
      }
    }
    return probes
  }

  /// Sends each probe as one packet from the client namespace and returns the slave the
  /// driver's counters saw it on (nil: unresolved).
  static func measure(_ probes: [Probe], slaves: Int) throws -> [Int?] {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bondperf-realbond-\(getpid()).probes")
    try probes.map(\.line).joined(separator: "\n").write(
      to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let names = (0..<slaves).map { "s\($0)" }.joined(separator: ",")
    let output = try RealBondLab.run(
      RealBondLab.client + [
        "sh", "-c", "exec scripts/lab-probe --slaves \(names) < '\(file.path)'",
      ], timeout: 600)
    try #require(output.status == 0, "lab-probe failed: \(output.stderr)")
    let lines = output.stdout.split(separator: "\n")
    try #require(lines.count == probes.count, "lab-probe printed \(lines.count) lines")
    return lines.map { Int($0.split(separator: " ").last ?? "?") }
  }

  static func model(_ policy: BondHashPolicy, kernel: KernelVersion) -> BondHashModel {
    BondHashModel(mode: .balanceXOR, policy: policy, kernel: kernel)
  }

  static func flowKey(_ probe: Probe) throws -> FlowKey {
    let macs = Dictionary(uniqueKeysWithValues: neighbours4 + neighbours6)
    let destinationMAC = try #require(macs[probe.destination])
    let source: IPAddress = try #require(IPAddress(probe.source))
    let destination: IPAddress = try #require(IPAddress(probe.destination))
    return FlowKey(
      sourceMAC: try #require(MACAddress(RealBondLab.clientMAC)),
      destinationMAC: try #require(MACAddress(destinationMAC)),
      source: source, destination: destination,
      ipProtocol: probe.proto == "tcp" ? .tcp : .udp, sourcePort: probe.sourcePort,
      destinationPort: probe.destinationPort)
  }

  /// balance-xor with each xmit_hash_policy the model predicts for local traffic, IPv4
  /// and IPv6, TCP and UDP: every flow's slave, read from the driver's tx counters,
  /// is the one the model computes. 3 slaves, so `% 3` depends on every hash bit.
  @Test(.timeLimit(.minutes(8)))
  func hashFidelity() async throws {
    let slaves = Self.slaveCountForHash
    try RealBondLab.up(slaves: slaves, mode: "balance-xor", policy: "layer3+4", rate: "1gbit")
    defer { RealBondLab.down() }
    try Self.addAddressesAndNeighbours()
    let kernel = try RealBondLab.kernel
    var checked = 0
    var matched = 0
    var unresolved = 0
    for (index, policy) in Self.hashPolicies.enumerated() {
      let set = try RealBondLab.run(
        [
          "ip", "-n", RealBondLab.clientNS, "link", "set", "bond0", "type", "bond",
          "xmit_hash_policy", policy.rawValue,
        ])
      try #require(set.status == 0, "setting xmit_hash_policy \(policy.rawValue): \(set.stderr)")
      let shown = try RealBondLab.read("/sys/class/net/bond0/bonding/xmit_hash_policy")
      try #require(shown.hasPrefix(policy.rawValue + " "), "sysfs shows \(shown)")
      let probes = Self.probes(seed: 0xB0_4D00 + UInt64(index))
      let measured = try Self.measure(probes, slaves: slaves)
      let model = Self.model(policy, kernel: kernel)
      // The negative control: layer3+4 without its final `>> 1` (the pre-4.15 hash).
      // The same measurements must refute it, or they could not tell models apart.
      let wrong = Self.model(policy, kernel: KernelVersion(major: 4, minor: 14))
      var wrongMatched = 0
      var policyMatched = 0
      var mismatches: [String] = []
      var seen = Set<Int>()
      for (probe, slave) in zip(probes, measured) {
        checked += 1
        guard let slave else {
          unresolved += 1
          continue
        }
        seen.insert(slave)
        let key = try Self.flowKey(probe)
        let predicted = model.selection(of: key, slaveCount: slaves).index
        if wrong.selection(of: key, slaveCount: slaves).index == slave { wrongMatched += 1 }
        if predicted == slave {
          policyMatched += 1
        } else if mismatches.count < 5 {
          mismatches.append(
            "\(probe.line): driver s\(slave), model \(predicted.map(String.init) ?? "none")")
        }
      }
      matched += policyMatched
      #expect(
        policyMatched == probes.count,
        "\(policy.rawValue): \(policyMatched)/\(probes.count) flows as predicted; e.g. \(mismatches)"
      )
      // The probes must exercise the hash: every slave is chosen for some flow.
      #expect(
        seen.count == slaves, "\(policy.rawValue): the driver used only slaves \(seen.sorted())")
      if policy == .layer3_4 {
        #expect(
          Double(wrongMatched) < 0.6 * Double(probes.count),
          "layer3+4 without >> 1 matched \(wrongMatched)/\(probes.count): the probes can't tell")
        RealBondLab.report(
          "negative control: layer3+4 without >> 1 matches only \(wrongMatched)/\(probes.count)")
      }
      RealBondLab.report(
        "hash fidelity \(policy.rawValue) (kernel \(kernel), \(slaves) slaves): "
          + "\(policyMatched)/\(probes.count) flows matched")
    }
    RealBondLab.report(
      "hash fidelity: \(matched)/\(checked) flows matched, \(unresolved) unresolved")
    #expect(checked >= 1000)
    #expect(unresolved == 0, "\(unresolved) probes did not show as one packet on one slave")
    #expect(matched == checked)
  }

  // MARK: auto-detection and pinning

  struct PinCase: CustomTestStringConvertible, Sendable {
    var mode: String
    var slaves: Int
    var testDescription: String { "\(mode), \(slaves) slaves" }
  }

  static let pinCases: [PinCase] =
    [2, 3, 4].map { PinCase(mode: "802.3ad", slaves: $0) }
    + [2, 3, 4].map { PinCase(mode: "balance-xor", slaves: $0) }
    + [2, 3, 4].map { PinCase(mode: "balance-rr", slaves: $0) }

  /// `bondperf -c -P N` with no bond flags finds the bond behind the route and pins
  /// the N streams one per slave (N = the slave count), and the driver's tx counters
  /// show every slave carrying its stream (balance-rr: an even share of the packets).
  @Test(.timeLimit(.minutes(4)), arguments: pinCases)
  func autoDetectedPinning(_ pin: PinCase) async throws {
    try RealBondLab.up(slaves: pin.slaves, mode: pin.mode, rate: "20mbit")
    defer { RealBondLab.down() }
    let server = try ChildProcess(
      TestbedSupport.env, RealBondLab.server + [TestbedSupport.binary, "-s", "--bond", "bond0"])
    defer { server.kill() }
    // Under TCG on a loaded host, exec'ing the debug binary over 9p can take many seconds.
    _ = try await server.listeningPort(within: .seconds(60))
    let before = try RealBondLab.txBytes(pin.slaves)
    let output = try RealBondLab.run(
      RealBondLab.client + [
        TestbedSupport.binary, "-c", "198.18.0.2", "-J", "-t", "3", "-P", String(pin.slaves),
      ])
    let after = try RealBondLab.txBytes(pin.slaves)
    try #require(output.status == 0, "client failed: \(output.stdout.suffix(600)) \(output.stderr)")
    let document = try TestbedSupport.json(output.stdout)
    let start = try #require(document["start"] as? [String: Any])
    let testStart = try #require(start["test_start"] as? [String: Any])
    #expect(testStart["num_streams"] as? Int == pin.slaves, "-P not set to the slave count")
    let bond = try #require(document["bond"] as? [String: Any], "no bond detected")
    let streams = try #require(bond["streams"] as? [[String: Any]])
    #expect(streams.count == pin.slaves)
    let delta = zip(after, before).map { $0 - $1 }
    let total = delta.reduce(0, +)
    try #require(total > 1_000_000, "only \(total) bytes left the slaves")
    let shares = delta.map { $0 / total }
    if pin.mode == "balance-rr" {
      for share in shares {
        #expect(abs(share - 1 / Double(pin.slaves)) < 0.1, "balance-rr shares \(shares)")
      }
    } else {
      let predicted = streams.compactMap { $0["predicted_slave"] as? Int }
      #expect(predicted.sorted() == Array(0..<pin.slaves), "pinned slaves \(predicted)")
      for share in shares {
        // One stream per slave, each limited by its slave's tbf: about 1/N each.
        #expect(share > 0.6 / Double(pin.slaves), "slave shares \(shares)")
      }
      let perSlave = try #require(bond["per_slave"] as? [[String: Any]])
      #expect(perSlave.count == pin.slaves)
      #expect(
        perSlave.allSatisfy { ($0["verdict"] as? String) == "ok" },
        "verdicts \(perSlave.map { $0["verdict"] ?? "-" })")
    }
    RealBondLab.report(
      "pinning \(pin.mode) x\(pin.slaves): -P \(streams.count), slave shares "
        + shares.map { String(format: "%.2f", $0) }.joined(separator: " "))
  }
}
