import Foundation
import Testing

@testable import BondPerfCore

struct StreamPinningTests {
  static let kernel = KernelVersion(major: 6, minor: 1)
  static let localMAC = MACAddress("02:00:00:00:00:01")!
  static let remoteMAC = MACAddress("02:00:00:00:00:02")!
  static let local = IPAddress("198.18.0.1")!
  static let remote = IPAddress("198.18.0.2")!

  static func description(
    policy: BondHashPolicy = .layer3_4, mode: BondMode = .ieee8023ad, slaves: Int
  ) -> BondDescription {
    BondDescription(
      origin: "described (--bond-policy)",
      model: BondHashModel(mode: mode, policy: policy, kernel: kernel),
      slaveNames: (0..<slaves).map { "s\($0)" }, slaveCount: slaves, peerSlaveCount: nil)
  }

  static func request(
    _ description: BondDescription, mode: TestMode = .normal, parallel: Int,
    cport: UInt16? = nil, noPin: Bool = false, peerSlaves: Int? = nil,
    range: PortRange? = nil
  ) throws -> StreamPinning.Request {
    StreamPinning.Request(
      description: description, localMAC: localMAC,
      remoteMAC: remoteMAC, local: local,
      remote: remote, serverPort: 5201, mode: mode, parallel: parallel,
      consecutivePorts: cport, noPin: noPin, peerSlaves: peerSlaves,
      range: try #require(range ?? PortRange(lower: 50000, upper: 50999)))
  }

  /// The flow of a data connection from `port`, built here rather than by the planner.
  static func flow(sourcePort port: UInt16) throws -> FlowKey {
    FlowKey(
      sourceMAC: localMAC, destinationMAC: remoteMAC,
      source: local, destination: remote, ipProtocol: .tcp,
      sourcePort: port, destinationPort: 5201)
  }

  static func predicted(_ pinning: StreamPinning, port: UInt16) throws -> Int? {
    let local = SocketAddress(ip: Self.local, port: port)
    let remote = SocketAddress(ip: Self.remote, port: 5201)
    return pinning.slavePredictor(local, remote)
  }

  static func pinnedPorts(_ pinning: StreamPinning) -> [PinnedPort]? {
    guard case .pinned(let ports) = pinning.sourcePorts else { return nil }
    return ports
  }

  @Test(arguments: [(4, 8), (3, 6), (3, 7)])
  func layer34PutsStreamIOnSlaveIModN(slaves: Int, parallel: Int) throws {
    let description = Self.description(slaves: slaves)
    let pinning = try StreamPinning(Self.request(description, parallel: parallel))
    let ports = try #require(Self.pinnedPorts(pinning))
    #expect(ports.count == parallel)
    #expect(Set(ports.map(\.port)).count == parallel)
    let planned = Set(ports.map(\.port))
    for (index, port) in ports.enumerated() {
      #expect(port.slave == index % slaves)
      #expect(pinning.planner.range.contains(port.port))
      let model = description.model.selection(
        of: try Self.flow(sourcePort: port.port), slaveCount: slaves)
      #expect(model.index == index % slaves)
      #expect(try Self.predicted(pinning, port: port.port) == index % slaves)
      #expect(port.alternatives.count == StreamPinning.alternativesPerStream)
      for alternative in port.alternatives {
        #expect(!planned.contains(alternative))
        #expect(try Self.predicted(pinning, port: alternative) == index % slaves)
      }
    }
    #expect(pinning.summary == "pinned (stream i on slave i mod \(slaves))")
    #expect(pinning.note == nil)
    #expect(pinning.lines == ["pinning: pinned (stream i on slave i mod \(slaves))"])
  }

  @Test func layer2WithOnePeerSharesOneSlave() throws {
    let description = Self.description(policy: .layer2, slaves: 4)
    let pinning = try StreamPinning(Self.request(description, parallel: 4))
    // One destination MAC: the model puts every source port on the same slave.
    let shared = try #require(
      description.model.selection(of: try Self.flow(sourcePort: 50000), slaveCount: 4).index)
    for port: UInt16 in [50000, 50001, 50123, 61000] {
      #expect(try Self.predicted(pinning, port: port) == shared)
    }
    guard case .kernel = pinning.sourcePorts else {
      Issue.record("a shared slave must leave the ports to the kernel")
      return
    }
    #expect(pinning.summary == "not possible: shared slave")
    let note =
      "layer2 does not hash the ports: every stream between these two hosts leaves on "
      + "slave \(shared) (s\(shared))"
    #expect(pinning.note == note)
    #expect(pinning.lines == ["note: \(note)", "pinning: not possible: shared slave"])
  }

  @Test func perPacketModeIsNotPinnable() throws {
    let description = Self.description(mode: .balanceRR, slaves: 2)
    let pinning = try StreamPinning(Self.request(description, parallel: 2))
    #expect(pinning.summary == "not possible")
    let note = try #require(pinning.note)
    #expect(pinning.lines == ["note: \(note)", "pinning: not possible"])
    guard case .kernel = pinning.sourcePorts else {
      Issue.record("balance-rr must leave the ports to the kernel")
      return
    }
  }

  @Test func cportKeepsConsecutivePortsAndStillPredicts() throws {
    let description = Self.description(slaves: 4)
    let pinning = try StreamPinning(
      Self.request(description, parallel: 4, cport: 40000, noPin: true))
    guard case .consecutive(let from) = pinning.sourcePorts else {
      Issue.record("--cport must give consecutive ports, got \(pinning.sourcePorts)")
      return
    }
    #expect(from == 40000)
    #expect(pinning.summary == "consecutive ports (--cport)")
    #expect(pinning.note == nil)
    let expected = description.model.selection(
      of: try Self.flow(sourcePort: 40001), slaveCount: 4
    ).index
    #expect(try Self.predicted(pinning, port: 40001) == expected)
  }

  @Test func noPinLeavesPortsToTheKernelAndStillPredicts() throws {
    let description = Self.description(slaves: 4)
    let pinning = try StreamPinning(Self.request(description, parallel: 8, noPin: true))
    guard case .kernel = pinning.sourcePorts else {
      Issue.record("--no-pin must leave the ports to the kernel")
      return
    }
    #expect(pinning.summary == "kernel ports (--no-pin)")
    #expect(pinning.lines == ["pinning: kernel ports (--no-pin)"])
    var seen: Set<Int> = []
    for port: UInt16 in 33000..<33040 {
      let expected = description.model.selection(
        of: try Self.flow(sourcePort: port), slaveCount: 4
      ).index
      let predicted = try Self.predicted(pinning, port: port)
      #expect(predicted == expected)
      if let predicted { seen.insert(predicted) }
    }
    #expect(seen.count > 1, "layer3+4 predictions must depend on the port")
  }

  @Test func reversePinsTheRepliesOnThePeerSlaves() throws {
    let description = Self.description(slaves: 4)
    let pinning = try StreamPinning(
      Self.request(description, mode: .reverse, parallel: 6, peerSlaves: 2))
    let ports = try #require(Self.pinnedPorts(pinning))
    #expect(ports.count == 6)
    for (index, port) in ports.enumerated() {
      #expect(port.slave == index % 4)
      let reply = try Self.flow(sourcePort: port.port).reversed
      #expect(description.model.selection(of: reply, slaveCount: 2).index == index % 2)
      for alternative in port.alternatives {
        let reply = try Self.flow(sourcePort: alternative).reversed
        #expect(description.model.selection(of: reply, slaveCount: 2).index == index % 2)
      }
    }
    #expect(
      pinning.summary == "pinned (stream i on slave i mod 4), replies on peer slave i mod 2")
  }

  @Test func reverseWithoutPeerSlavesAssumesAMirrorBond() throws {
    let pinning = try StreamPinning(
      Self.request(Self.description(slaves: 3), mode: .reverse, parallel: 3))
    #expect(
      pinning.summary == "pinned (stream i on slave i mod 3), replies on peer slave i mod 3")
    #expect(pinning.planner.peer?.slaveCount == 3)
  }

  @Test func bidirPlansTwoConnectionsPerStream() throws {
    let pinning = try StreamPinning(
      Self.request(Self.description(slaves: 4), mode: .bidirectional, parallel: 3))
    #expect(try #require(Self.pinnedPorts(pinning)).count == 6)
  }

  @Test func tooSmallARangeIsAnError() throws {
    let request = try Self.request(
      Self.description(slaves: 4), parallel: 8, range: PortRange(lower: 50000, upper: 50003))
    #expect(throws: PortPlanner.PlanningError.self) { try StreamPinning(request) }
  }
}

/// Issue 18, case 6: a prediction from a MAC nobody knew says so.
struct PinningMACTests {
  func request(_ policy: BondHashPolicy, local: MACAddress?, remote: MACAddress?) throws
    -> StreamPinning.Request
  {
    StreamPinning.Request(
      description: BondDescription(
        origin: "described (--bond-policy)",
        model: BondHashModel(mode: .ieee8023ad, policy: policy, kernel: .init(major: 6, minor: 1)),
        slaveNames: ["s0", "s1", "s2", "s3"], slaveCount: 4, peerSlaveCount: nil),
      localMAC: local, remoteMAC: remote, local: try #require(IPAddress("198.18.0.1")),
      remote: try #require(IPAddress("198.18.0.2")), serverPort: 5201, mode: .normal,
      parallel: 4, range: try #require(PortRange("61000-62000")))
  }

  @Test func anUnknownMACMakesTheLayer2PredictionUnreliable() throws {
    let mac = try #require(MACAddress("02:b0:00:00:00:01"))
    let unknown = try StreamPinning(try request(.layer2, local: nil, remote: mac))
    #expect(unknown.missingMACFlags == ["--local-mac"])
    #expect(unknown.lines.contains { $0.hasPrefix("warning: slave predictions are unreliable") })
    #expect(unknown.lines.contains { $0.contains("pass --local-mac") })
    guard case .sharedSlave = unknown.kind else {
      Issue.record("layer2 shares one slave: \(unknown.kind)")
      return
    }
    let known = try StreamPinning(try request(.layer2, local: mac, remote: mac))
    #expect(known.missingMACFlags.isEmpty)
    #expect(!known.lines.contains { $0.hasPrefix("warning") })
    // layer3+4 hashes no MAC: nothing is missing.
    let ports = try StreamPinning(try request(.layer3_4, local: nil, remote: nil))
    #expect(ports.missingMACFlags.isEmpty)
    #expect(ports.kind == .pinned)
  }
}

extension PinningMACTests {
  @Test func aDescribedBondTakesTheLocalInterfacesMAC() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bp-mac-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    for (name, mac) in [("bond0", "02:b0:00:00:00:01"), ("lo", "00:00:00:00:00:00")] {
      let dir = root.appendingPathComponent("class/net/\(name)")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try (mac + "\n").write(
        to: dir.appendingPathComponent("address"), atomically: true, encoding: .utf8)
    }
    let roots = HostRoots(sysfsRoot: root.path, procfsRoot: "/nonexistent")
    #expect(
      EgressInterface.macAddress(of: "bond0", roots: roots) == MACAddress("02:b0:00:00:00:01"))
    #expect(EgressInterface.macAddress(of: "lo", roots: roots) == nil)
    #expect(EgressInterface.macAddress(of: "missing", roots: roots) == nil)
  }
}
