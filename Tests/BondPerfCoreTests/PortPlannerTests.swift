import Testing

@testable import BondPerfCore

struct PortPlannerTests {
  static let kernel = KernelVersion(major: 6, minor: 18)

  func planner(
    policy: BondHashPolicy = .layer3_4, mode: BondMode = .ieee8023ad, slaves: Int,
    peerSlaves: Int? = nil, range: PortRange? = nil
  ) -> PortPlanner {
    let model = BondHashModel(mode: mode, policy: policy, kernel: Self.kernel)
    return PortPlanner(
      template: FlowKey(
        source: IPAddress("198.18.0.1"), destination: IPAddress("198.18.0.2"),
        destinationPort: 5201),
      model: model, slaveCount: slaves,
      peer: peerSlaves.map { PortPlanner.Peer(model: model, slaveCount: $0) },
      range: range ?? PortRange.defaultPlanningRange(avoiding: .linuxDefaultEphemeral))
  }

  /// Issue 18, item 1: plan's stream numbers are explained next to the table.
  @Test func planTextExplainsItsStreamNumbers() throws {
    let planner = planner(slaves: 4)
    let text = PlanTable.render(PlanReport(planner: planner, plan: try planner.plan(streams: 4)))
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("stream") && $0.contains("source port") }, "\(text)")
    #expect(lines.last == PlanTable.legend, "\(text)")
  }

  @Test(arguments: [(1, 4), (2, 8), (3, 8), (4, 8), (5, 10), (6, 12), (7, 14), (8, 8), (8, 128)])
  func streamILandsOnSlaveIModN(slaves: Int, streams: Int) throws {
    let planner = planner(slaves: slaves)
    guard case .pinned(let plan) = try planner.plan(streams: streams) else {
      Issue.record("layer3+4 must be pinnable")
      return
    }
    #expect(plan.count == streams)
    #expect(Set(plan.map(\.sourcePort)).count == streams)
    for stream in plan {
      #expect(planner.range.contains(stream.sourcePort))
      #expect(stream.slave == stream.index % slaves)
      // Recompute independently with the model.
      let selection = planner.model.selection(
        of: planner.flow(sourcePort: stream.sourcePort), slaveCount: slaves)
      #expect(selection.index == stream.index % slaves)
    }
  }

  @Test(arguments: [(4, 4), (3, 3), (5, 5), (4, 2), (3, 2)])
  func pinsBothDirections(slaves: Int, peerSlaves: Int) throws {
    let planner = planner(slaves: slaves, peerSlaves: peerSlaves)
    guard case .pinned(let plan) = try planner.plan(streams: 8) else {
      Issue.record("layer3+4 must be pinnable both ways")
      return
    }
    for stream in plan {
      let reverse = planner.flow(sourcePort: stream.sourcePort).reversed
      #expect(stream.peerSlave == stream.index % peerSlaves)
      #expect(
        planner.model.selection(of: reverse, slaveCount: peerSlaves).index
          == stream.index % peerSlaves)
    }
  }

  @Test func powerOfTwoBondsPinBothWaysWithTheFirstPort() throws {
    // §6: for n = m a power of two the same port pins the reply direction, so
    // asking for the peer costs no extra candidates.
    let oneWay = planner(slaves: 4)
    let bothWays = planner(slaves: 4, peerSlaves: 4)
    guard case .pinned(let a) = try oneWay.plan(streams: 8),
      case .pinned(let b) = try bothWays.plan(streams: 8)
    else {
      Issue.record("must be pinnable")
      return
    }
    #expect(a.map(\.sourcePort) == b.map(\.sourcePort))
  }

  @Test func portlessPoliciesShareOneSlave() throws {
    for policy in [BondHashPolicy.layer2, .layer2_3] {
      let plan = try planner(policy: policy, slaves: 2).plan(streams: 8)
      guard case .sharedSlave(let index, let reason) = plan else {
        Issue.record("\(policy) cannot steer by port")
        continue
      }
      #expect((0..<2).contains(index))
      #expect(reason.contains("slave \(index)"))
      #expect(reason.contains(policy.rawValue))
    }
  }

  @Test func roundRobinAndEncap34AreNotPinnable() throws {
    guard case .notPinnable = try planner(mode: .balanceRR, slaves: 2).plan(streams: 4),
      case .notPinnable = try planner(policy: .encap3_4, slaves: 2).plan(streams: 4)
    else {
      Issue.record("rr and encap3+4 can't be pinned")
      return
    }
  }

  @Test func tooNarrowARangeSaysWhich() throws {
    let planner = planner(slaves: 4, range: PortRange(lower: 61000, upper: 61001))
    #expect(throws: PortPlanner.PlanningError.self) { try planner.plan(streams: 4) }
    do {
      _ = try planner.plan(streams: 4)
    } catch {
      #expect(error.description.contains("61000-61001"))
      #expect(error.description.contains("--port-range"))
    }
  }

  @Test func alternativesLandOnTheSameSlave() throws {
    let planner = planner(slaves: 4)
    let ports = planner.alternatives(slave: 2, peerSlave: nil, count: 10)
    #expect(ports.count == 10)
    #expect(Set(ports).count == 10)
    for port in ports {
      #expect(planner.slaves(of: port)?.local == 2)
    }
    let excluded = Set(ports.prefix(3))
    let more = planner.alternatives(slave: 2, peerSlave: nil, count: 3, excluding: excluded)
    #expect(Set(more).isDisjoint(with: excluded))
  }

  @Test func defaultRangeAvoidsTheEphemeralRange() throws {
    let range = PortRange.defaultPlanningRange(avoiding: .linuxDefaultEphemeral)
    #expect(range == PortRange(lower: 61000, upper: 65535))
    let wide = try #require(PortRange(lower: 1024, upper: 65000))
    #expect(PortRange.defaultPlanningRange(avoiding: wide) == PortRange(lower: 1024, upper: 65535))
    let high = try #require(PortRange(lower: 40000, upper: 65535))
    #expect(PortRange.defaultPlanningRange(avoiding: high) == PortRange(lower: 10000, upper: 39999))
    #expect(PortRange("61000-65535") == PortRange(lower: 61000, upper: 65535))
    #expect(PortRange("65535-61000") == nil)
    #expect(PortRange("x") == nil)
  }
}
