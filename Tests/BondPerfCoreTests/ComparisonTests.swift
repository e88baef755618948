import Testing

@testable import BondPerfCore

struct ComparisonTests {
  static func description(slaves: Int, mode: BondMode = .balanceXOR) -> BondDescription {
    BondDescription(
      origin: "kernel bond bond0",
      model: BondHashModel(
        mode: mode, policy: .layer3_4, kernel: KernelVersion(major: 6, minor: 1)),
      slaveNames: (0..<slaves).map { "eth\($0)" }, slaveCount: slaves, peerSlaveCount: nil)
  }

  static func bond(mode: BondMode, speeds: [Int?]) -> BondInfo {
    BondInfo(
      name: "bond0", mode: mode, hashPolicy: .layer3_4,
      slaves: speeds.enumerated().map { index, speed in
        SlaveInfo(name: "eth\(index)", miiStatus: .up, speedMbps: speed)
      })
  }

  @Test func definesThreePhasesInOrder() {
    let comparison = Comparison(host: "server", port: 5202, parallel: 8, seconds: 5, omit: 1)
    #expect(comparison.phases.map(\.name) == ["single", "kernel_ports", "pinned"])
    #expect(
      comparison.phases.map(\.title)
        == ["Single stream", "8 streams (kernel ports)", "8 streams (pinned)"])
    #expect(comparison.phases.map(\.streams) == [1, 8, 8])
    #expect(comparison.phases.map(\.noPin) == [false, true, false])
  }

  @Test func noPinLeavesEveryPhaseToTheKernel() {
    let comparison = Comparison(
      host: "server", port: 5201, parallel: 4, seconds: 10, omit: 0, noPin: true)
    #expect(comparison.phases.map(\.noPin) == [true, true, true])
  }

  @Test func buildsEachPhasesParametersAndConfiguration() throws {
    let address = SocketAddress(ip: try #require(IPAddress("198.18.0.2")), port: 5202)
    let comparison = Comparison(
      host: "server", serverAddress: address, port: 5202, parallel: 6, seconds: 7, omit: 2)
    for phase in comparison.phases {
      var expected = TestParameters()
      expected.parallel = phase.streams
      expected.time = 7
      expected.omit = 2
      #expect(comparison.parameters(for: phase) == expected)
      #expect(comparison.parameters(for: phase).mode == .normal)
      let configuration = comparison.configuration(for: phase)
      #expect(configuration.host == "server")
      #expect(configuration.serverAddress == address)
      #expect(configuration.port == 5202)
      #expect(configuration.interval == 1)
      #expect(configuration.parameters == expected)
      #expect(configuration.family == nil)
      #expect(configuration.connectTimeout == .seconds(10))
      #expect(configuration.idleTimeout == .seconds(15))
      guard case .kernel = configuration.sourcePorts else {
        Issue.record("ports are the bond layer's to set, per phase")
        continue
      }
    }
  }

  @Test func ceilingComesFromTheKernelBond() {
    let description = Self.description(slaves: 3)
    let bond = Self.bond(mode: .balanceXOR, speeds: [1000, 1000, 10000])
    #expect(Comparison.ceiling(description: description, bond: bond, slaveRate: nil) == 12e9)
  }

  @Test func broadcastCeilingIsOneSlave() {
    // Every packet goes out on every slave: the slowest one is the limit, not the sum.
    let description = Self.description(slaves: 2, mode: .broadcast)
    let bond = Self.bond(mode: .broadcast, speeds: [1000, 10000])
    #expect(Comparison.ceiling(description: description, bond: bond, slaveRate: nil) == 1e9)
  }

  @Test func slaveRateTimesSlavesWinsOverTheKernel() {
    let description = Self.description(slaves: 4)
    let bond = Self.bond(mode: .balanceXOR, speeds: [1000, 1000, 1000, 1000])
    #expect(
      Comparison.ceiling(description: description, bond: bond, slaveRate: 100_000_000) == 4e8)
    #expect(
      Comparison.ceiling(description: description, bond: nil, slaveRate: 10_000_000_000)
        == 4e10)
  }

  @Test func ceilingIsUnknownWithoutABondOrSpeeds() {
    let description = Self.description(slaves: 2)
    #expect(Comparison.ceiling(description: nil, bond: nil, slaveRate: 1_000_000) == nil)
    #expect(Comparison.ceiling(description: description, bond: nil, slaveRate: nil) == nil)
    let unknownSpeed = Self.bond(mode: .balanceXOR, speeds: [1000, nil])
    #expect(
      Comparison.ceiling(description: description, bond: unknownSpeed, slaveRate: nil) == nil)
  }

  @Test func runsEachPhaseInOrderWithItsConfiguration() async throws {
    var comparison = Comparison(host: "server", port: 5201, parallel: 4, seconds: 3, omit: 0)
    comparison.pause = .zero
    var progress: [String] = []
    var asked: [(String, Int)] = []
    let outcomes = try await comparison.run(
      progress: { progress.append($0) },
      test: { phase, configuration in
        asked.append((phase.name, configuration.parameters.parallel))
        return TestRecord()
      })
    #expect(outcomes.map(\.phase.name) == ["single", "kernel_ports", "pinned"])
    #expect(asked.map(\.0) == ["single", "kernel_ports", "pinned"])
    #expect(asked.map(\.1) == [1, 4, 4])
    #expect(progress.count == 6)
    #expect(progress[0] == "[1/3] Single stream: 3 s ...")
    #expect(progress[2] == "[2/3] 4 streams (kernel ports): 3 s ...")
    #expect(progress[1].hasSuffix(" received"))
  }

  @Test func aFailedPhaseIsNamed() async throws {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
    var comparison = Comparison(host: "server", port: 5201, parallel: 2, seconds: 1, omit: 0)
    comparison.pause = .zero
    do {
      _ = try await comparison.run(
        progress: { _ in },
        test: { phase, _ in
          if phase.name == "kernel_ports" { throw Boom() }
          return TestRecord()
        })
      Issue.record("the second phase's error must end the comparison")
    } catch let error as Comparison.PhaseError {
      #expect(error.description == "phase kernel_ports failed: boom")
    }
    do {
      _ = try await comparison.run(progress: { _ in }, test: { _, _ in nil })
      Issue.record("a phase without a record must end the comparison")
    } catch let error as Comparison.PhaseError {
      #expect(error.description == "phase single produced no result")
    }
  }

  /// Issue 18, item 8: Ctrl-C ends a comparison with the phases that finished;
  /// the interrupted phase (cut short) is not among them, nor any after it.
  @Test func anInterruptedComparisonKeepsTheFinishedPhases() async throws {
    var comparison = Comparison(host: "server", port: 5201, parallel: 2, seconds: 1, omit: 0)
    comparison.pause = .zero
    let interruption = ComparisonInterruption()
    var ran: [String] = []
    do {
      _ = try await comparison.run(
        progress: { _ in }, interruption: interruption,
        test: { phase, _ in
          ran.append(phase.name)
          if phase.name == "kernel_ports" { interruption.interrupt() }
          return TestRecord()
        })
      Issue.record("an interrupted comparison must not end as a complete one")
    } catch let interrupted as Comparison.Interrupted {
      #expect(interrupted.finished.map(\.phase.name) == ["single"])
      #expect(interrupted.phase.name == "kernel_ports")
      #expect(interrupted.description.hasSuffix("showing the phases that finished"))
    }
    #expect(ran == ["single", "kernel_ports"])
  }
}
