import Testing

@testable import BondPerfCore

/// Issue 14, item 5: `compare --repeat N`, the kernel-port lottery summed up.
struct KernelPortRunsTests {
  static func run(_ rate: Double, used: Int, of count: Int = 4, peer: Int? = nil)
    -> KernelPortRuns.Run
  {
    KernelPortRuns.Run(
      bitsPerSecond: rate, slavesUsed: used, slaveCount: count, peerSlavesUsed: peer,
      peerSlaveCount: peer == nil ? nil : count)
  }

  /// A record of `streams` streams predicted on `slaves`, each carrying `bytes`
  /// in one second.
  static func record(slaves: [Int], bytes: Int64) throws -> TestRecord {
    let address = try #require(IPAddress("198.18.0.1"))
    var record = TestRecord()
    record.connected = slaves.enumerated().map {
      ConnectedStream(
        id: $0.offset, socket: Int32(5 + $0.offset),
        local: SocketAddress(ip: address, port: UInt16(40000 + $0.offset)),
        remote: SocketAddress(ip: address, port: 5201), localSends: true,
        predictedSlave: $0.element)
    }
    record.summary = SlaveVerdictTests.summary(
      record.connected, bytes: Array(repeating: bytes, count: slaves.count))
    return record
  }

  @Test func anEmptyListIsNoSummary() {
    #expect(KernelPortRuns(runs: []) == nil)
  }

  @Test func minMedianAndMaxOfAnOddCount() throws {
    let runs = try #require(
      KernelPortRuns(runs: [
        Self.run(300, used: 3), Self.run(100, used: 1), Self.run(400, used: 4),
        Self.run(200, used: 2), Self.run(380, used: 4),
      ]))
    #expect(runs.minimum == 100)
    #expect(runs.maximum == 400)
    #expect(runs.median == 300)
    #expect(runs.medianRunIndex == 0)
    #expect(runs.runsCoveringEverySlave == 2)
  }

  @Test func theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() throws {
    let runs = try #require(
      KernelPortRuns(runs: [
        Self.run(400, used: 4), Self.run(100, used: 2), Self.run(200, used: 2),
        Self.run(300, used: 3),
      ]))
    #expect(runs.median == 250)
    // 200 and 300 are equally near: the earlier run stands for the phase.
    #expect(runs.medianRunIndex == 2)
  }

  @Test func everySlaveMeansBothHostsWhenTheServerReports() throws {
    #expect(Self.run(1, used: 4).coveredEverySlave)
    #expect(!Self.run(1, used: 3).coveredEverySlave)
    #expect(Self.run(1, used: 4, peer: 4).coveredEverySlave)
    // Through a switch: all four client slaves, two of the server's.
    #expect(!Self.run(1, used: 4, peer: 2).coveredEverySlave)
    let runs = try #require(
      KernelPortRuns(runs: [Self.run(380e6, used: 4, peer: 2), Self.run(380e6, used: 4, peer: 4)]))
    #expect(runs.runsCoveringEverySlave == 1)
    #expect(runs.text.hasSuffix("1 of 2 covered every slave (both hosts')"), "\(runs.text)")
  }

  @Test func aSlaveWithStrayPacketsIsNotUsed() {
    #expect(KernelPortRuns.slavesUsed([1_000_000, 1_000_000, 1_000_000, 900]) == 3)
    #expect(KernelPortRuns.slavesUsed([1_000_000, 500_000, 0, 0]) == 2)
    #expect(KernelPortRuns.slavesUsed([0, 0]) == 0)
    #expect(KernelPortRuns.slavesUsed([]) == 0)
  }

  @Test func aRecordWithoutCountersIsJudgedByItsPredictedSlaves() throws {
    let spread = KernelPortRuns.run(
      try Self.record(slaves: [0, 1, 2, 3, 0, 1, 2, 3], bytes: 10_000_000), slaveCount: 4)
    #expect(spread.slavesUsed == 4)
    #expect(spread.peerSlavesUsed == nil)
    #expect(spread.coveredEverySlave)
    #expect(spread.bitsPerSecond == 8 * 10_000_000 * 8)
    let collided = KernelPortRuns.run(
      try Self.record(slaves: [0, 0, 2, 2, 0, 0, 2, 2], bytes: 10_000_000), slaveCount: 4)
    #expect(collided.slavesUsed == 2)
    #expect(!collided.coveredEverySlave)
  }

  @Test func theJSONCarriesEachRun() throws {
    let runs = try #require(
      KernelPortRuns(runs: [Self.run(100, used: 2, peer: 1), Self.run(300, used: 4, peer: 4)]))
    let json = runs.json
    #expect(json["runs"]?.intValue == 2)
    #expect(json["median_bits_per_second"]?.doubleValue == 200)
    #expect(json["runs_covering_every_slave"]?.intValue == 1)
    let each = try #require(json["each"]?.arrayValue)
    #expect(each.count == 2)
    #expect(each[0]["peer_slaves_used"]?.intValue == 1)
    #expect(each[1]["covered_every_slave"] == .bool(true))
  }

  /// The kernel-port phase runs N times; the others once; the outcome holds
  /// the run nearest the median.
  @Test func aComparisonRepeatsOnlyTheKernelPortPhase() async throws {
    var comparison = Comparison(host: "server", port: 5201, parallel: 4, seconds: 1, omit: 0)
    comparison.pause = .zero
    comparison.repeats = 3
    comparison.slaveCount = 4
    var asked: [String] = []
    var progress: [String] = []
    // The kernel runs' streams: 2 slaves, then 4, then 3; bytes grow with coverage.
    var kernelRuns = [[0, 0, 1, 1], [0, 1, 2, 3], [0, 1, 2, 2]].makeIterator()
    let outcomes = try await comparison.run(
      progress: { progress.append($0) },
      test: { phase, _ in
        asked.append(phase.name)
        guard phase.name == Comparison.kernelPortsPhaseName, let slaves = kernelRuns.next()
        else { return try Self.record(slaves: [0, 1, 2, 3], bytes: 1_000) }
        return try Self.record(slaves: slaves, bytes: Int64(Set(slaves).count) * 1_000)
      })
    #expect(asked == ["single", "kernel_ports", "kernel_ports", "kernel_ports", "pinned"])
    #expect(outcomes.map(\.phase.name) == ["single", "kernel_ports", "pinned"])
    #expect(progress.first == "[1/5] Single stream: 1 s ...")
    #expect(progress.contains("[4/5] 4 streams (kernel ports) run 3 of 3: 1 s ..."))
    let runs = try #require(outcomes[1].runs)
    #expect(runs.runs.map(\.slavesUsed) == [2, 4, 3])
    #expect(runs.runsCoveringEverySlave == 1)
    #expect(outcomes[1].bitsPerSecond == runs.median)
    // The median run (3 slaves) is the one whose record is kept.
    #expect(Set(outcomes[1].record.connected.compactMap(\.predictedSlave)).count == 3)
    #expect(outcomes[0].runs == nil && outcomes[2].runs == nil)
    #expect(progress.contains { $0.contains("1 of 3 covered every slave") })
  }

  @Test func theTableShowsTheMedianAndTheSpread() throws {
    let runs = try #require(
      KernelPortRuns(runs: [Self.run(100e6, used: 2), Self.run(300e6, used: 4)]))
    let record = try Self.record(slaves: [0, 1], bytes: 1_000)
    let text = CompareTable.render(
      label: "x", phases: [("Single stream", record), ("2 streams (kernel ports)", record)],
      ceiling: LinkCeiling(bitsPerSecond: 400e6), description: nil, runs: [nil, runs])
    #expect(text.contains("2 streams (kernel ports), median of 2"), "\(text)")
    #expect(text.contains("50%"), "\(text)")
    #expect(text.contains("2 runs on fresh kernel ports: min 100"), "\(text)")
  }
}
