import Foundation

/// Runs calibration before a test: rounds of ``CalibrationProbe`` until every
/// stream has a source port that leaves on its client slave and arrives on its
/// server slave, the switch shows it cannot be steered, or the budget is spent.
/// A spread found is probed once more after an idle gap: a flow that moved
/// means an adaptive switch.
public struct SwitchCalibrator: Sendable {
  public var probe: CalibrationProbe
  /// The client bond's planner (its model, template and port range).
  public var planner: PortPlanner
  public var streams: Int
  public var budget: Duration
  /// The pause before the stability check: longer than a flowlet timeout.
  public var idleGap: Duration = .milliseconds(300)
  /// At most this many probes in one round.
  public static let probesPerRound = 64

  public init(probe: CalibrationProbe, planner: PortPlanner, streams: Int, budget: Duration) {
    self.probe = probe
    self.planner = planner
    self.streams = streams
    self.budget = budget
  }

  /// Calibrates; never throws: a failure is the verdict `unavailable` with its reason.
  public func run() -> CalibrationOutcome {
    let start = ContinuousClock.now
    var probes = 0
    func outcome(
      _ verdict: SwitchCalibration.Verdict, _ reason: String, _ chosen: [SwitchCalibration.Stream],
      servers: [String] = [], answered: Bool = true
    ) -> CalibrationOutcome {
      CalibrationOutcome(
        verdict: verdict, probes: probes, seconds: start.duration(to: .now).inSeconds,
        streams: chosen, reason: reason, serverSlaves: servers, serverAnswered: answered,
        streamIDs: StreamID.assignments(parallel: streams, mode: .normal).map(\.id))
    }
    let slaveOf: (UInt16) -> Int? = { planner.slaves(of: $0)?.local }
    var calibration: SwitchCalibration?
    var probed: Set<UInt16> = []
    var servers: [String] = []
    var round = 0
    while true {
      round += 1
      let serverSlaves = calibration?.serverSlaves ?? 4
      let need =
        calibration?.wanted(perStream: 2 * serverSlaves, limit: Self.probesPerRound)
        ?? Dictionary(
          grouping: 0..<streams, by: { $0 % planner.slaveCount }
        ).mapValues { min($0.count * 8, Self.probesPerRound / planner.slaveCount) }
      var ports: [UInt16] = []
      for slave in need.keys.sorted() {
        let found = planner.alternatives(
          slave: slave, peerSlave: nil, count: need[slave] ?? 0, excluding: probed)
        ports += found
        probed.formUnion(found)
      }
      guard !ports.isEmpty else {
        return outcome(
          .skewed, "the port range holds no more candidate ports; widen --port-range",
          calibration?.assignment(fill: true).compactMap { $0 } ?? [], servers: servers)
      }
      let result: CalibrationProbe.Round
      do {
        result = try probe.run(ports: ports)
      } catch {
        return outcome(.unavailable, "a calibration probe failed: \(error)", [], servers: servers)
      }
      probes += result.probed.count
      guard result.answered else {
        return outcome(
          .unavailable,
          "calibration needs a bondperf server: the server answered like iperf3 "
            + "(no per-slave arrivals in its results)", [], answered: false)
      }
      if let error = result.serverError {
        return outcome(.unavailable, "the server cannot report arrivals: \(error)", [])
      }
      servers = result.serverSlaves
      if calibration == nil {
        calibration = SwitchCalibration(
          clientSlaves: planner.slaveCount, serverSlaves: max(servers.count, 1), streams: streams)
      }
      guard var current = calibration else { continue }
      current.observe(probed: result.probed, arrivals: result.arrivals, slaveOf: slaveOf)
      calibration = current
      guard current.seen > 0 else {
        return outcome(
          .unavailable,
          "the server saw none of the probes on its slaves (\(servers.joined(separator: ","))); "
            + "are they the slaves of the bond the test reaches?", [], servers: servers)
      }
      if let (verdict, reason) = current.switchVerdict {
        return outcome(
          verdict, reason, current.assignment(fill: true).compactMap { $0 }, servers: servers)
      }
      let chosen = current.assignment()
      if chosen.allSatisfy({ $0 != nil }) {
        let winners = chosen.compactMap { $0 }
        return verify(winners, servers: servers, outcome: outcome)
      }
      if start.duration(to: .now) >= budget || round >= 12 {
        let found = chosen.compactMap { $0 }.count
        return outcome(
          .skewed,
          "no full spread within the budget (\(Units.fixed(budget.inSeconds, decimals: 1)) s, "
            + "--calibrate-budget): \(found) of \(streams) streams reach their server slave; "
            + "the best ports found are used",
          current.assignment(fill: true).compactMap { $0 }, servers: servers)
      }
    }
  }

  /// Re-probes the winners after an idle gap: the same ports must arrive on the same slaves.
  private func verify(
    _ winners: [SwitchCalibration.Stream], servers: [String],
    outcome: (
      SwitchCalibration.Verdict, String, [SwitchCalibration.Stream], [String], Bool
    ) -> CalibrationOutcome
  ) -> CalibrationOutcome {
    Thread.sleep(forTimeInterval: idleGap.inSeconds)
    let again: CalibrationProbe.Round
    do {
      again = try probe.run(ports: winners.map(\.localPort))
    } catch {
      return outcome(
        .spread, "every stream reaches its server slave (not rechecked: \(error))", winners,
        servers, true)
    }
    var moved: [String] = []
    for winner in winners {
      let arrival = SwitchCalibration.arrival(of: again.arrivals[winner.localPort] ?? [])
      if case .slave(let now) = arrival, let before = winner.peerSlave, now != before {
        moved.append("port \(winner.localPort): server slave \(before) -> \(now)")
      }
    }
    if !moved.isEmpty {
      return outcome(
        .adaptive,
        "flows moved to another server slave after \(Units.fixed(idleGap.inSeconds, decimals: 1)) s "
          + "idle (\(moved.joined(separator: "; "))): the switch rebalances flows (adaptive or "
          + "flowlet load balancing), so no calibration holds; the test runs on the ports found",
        winners, servers, true)
    }
    return outcome(
      .spread, "every stream reaches its own server slave, and did again after an idle gap",
      winners, servers, true)
  }
}

/// What calibration came to: the `bond.calibration` member and the lines printed.
public struct CalibrationOutcome: Sendable {
  public var verdict: SwitchCalibration.Verdict
  public var probes: Int
  public var seconds: Double
  public var streams: [SwitchCalibration.Stream]
  public var reason: String
  public var serverSlaves: [String]
  /// False when the server is not a bondperf server (iperf3).
  public var serverAnswered: Bool
  /// iperf3's stream id of stream index i (the `id` in `-J`).
  public var streamIDs: [Int] = []

  public var json: JSONValue {
    .object([
      ("verdict", .string(verdict.rawValue)),
      ("probes", .int(Int64(probes))),
      ("seconds", .double(seconds)),
      (
        "streams",
        .array(
          streams.map { stream in
            .object([
              ("id", .int(Int64(stream.id < streamIDs.count ? streamIDs[stream.id] : stream.id))),
              ("local_port", .int(Int64(stream.localPort))),
              ("slave", .int(Int64(stream.slave))),
              ("peer_slave", stream.peerSlave.map { .int(Int64($0)) } ?? .null),
            ])
          })
      ),
      ("reason", .string(reason)),
    ])
  }

  /// `calibration: VERDICT (N probes, S s): reason`, then one line per stream.
  public var lines: [String] {
    var lines = [
      "calibration: \(verdict.rawValue) (\(probes) probes, \(Units.fixed(seconds, decimals: 2)) s): \(reason)"
    ]
    for stream in streams {
      let peer = stream.peerSlave.map { index in
        index < serverSlaves.count ? serverSlaves[index] : "slave \(index)"
      }
      lines.append(
        "calibration:   stream \(stream.id): port \(stream.localPort), client slave \(stream.slave)"
          + " -> server \(peer ?? "unknown")")
    }
    return lines
  }
}
