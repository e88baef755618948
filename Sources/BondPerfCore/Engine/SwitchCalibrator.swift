import Foundation

/// Runs calibration before a test: rounds of ``CalibrationProbe`` until every
/// stream has a source port that leaves on its client slave and arrives on its
/// server slave, the switch shows it cannot be steered, or the budget is spent.
/// A spread found is probed once more after an idle gap: a flow that moved
/// means an adaptive switch.
public struct SwitchCalibrator: Sendable {
  public var probe: CalibrationProbe
  /// The client bond's planner (its model, template and port range; with a
  /// peer model for the server's replies when the server sends).
  public var planner: PortPlanner
  /// `-P` and the direction: which connections the client sends on.
  public var parallel: Int
  public var mode: TestMode
  public var budget: Duration
  /// The pause before the stability check: longer than a flowlet timeout.
  public var idleGap: Duration = .milliseconds(300)
  /// At most this many probes in one round.
  public static let probesPerRound = 64

  public init(
    probe: CalibrationProbe, planner: PortPlanner, parallel: Int, mode: TestMode,
    budget: Duration
  ) {
    self.probe = probe
    self.planner = planner
    self.parallel = parallel
    self.mode = mode
    self.budget = budget
  }

  private typealias Verdict = SwitchCalibration.Verdict
  private typealias Round = (probed: [UInt16], arrivals: [UInt16: [Int]], returns: [UInt16: [Int]])

  /// Calibrates; never throws: a failure is the verdict `unavailable` with its reason.
  public func run() -> CalibrationOutcome {
    let start = ContinuousClock.now
    let senders = StreamID.assignments(parallel: parallel, mode: mode).map {
      $0.direction.isSender(.client)
    }
    let ids = StreamID.assignments(parallel: parallel, mode: mode).map(\.id)
    var probes = 0
    var servers: [String] = []
    func outcome(
      _ verdict: Verdict, _ reason: String, _ chosen: [SwitchCalibration.Stream],
      answered: Bool = true
    ) -> CalibrationOutcome {
      CalibrationOutcome(
        verdict: verdict, probes: probes, seconds: start.duration(to: .now).inSeconds,
        streams: chosen, reason: reason, serverSlaves: servers, serverAnswered: answered,
        streamIDs: ids)
    }
    let slavesOf: (UInt16) -> (local: Int, peer: Int?)? = { planner.slaves(of: $0) }
    var calibration: SwitchCalibration?
    var history: [Round] = []
    var probed: Set<UInt16> = []
    var round = 0
    while true {
      round += 1
      let need: [SwitchCalibration.Want: Int]
      if let calibration {
        need = calibration.wanted(
          perStream: 2 * calibration.serverSlaves, limit: Self.probesPerRound)
      } else {
        let guess = SwitchCalibration(
          clientSlaves: planner.slaveCount,
          serverSlaves: planner.peer?.slaveCount ?? planner.slaveCount, senders: senders)
        need = guess.initial(perStream: 8, limit: Self.probesPerRound)
      }
      var ports: [UInt16] = []
      for want in need.keys.sorted() {
        let found = planner.alternatives(
          slave: want.slave, peerSlave: want.peerSlave, count: need[want] ?? 0,
          excluding: probed)
        ports += found
        probed.formUnion(found)
      }
      guard !ports.isEmpty else {
        return outcome(
          .skewed, "the port range holds no more candidate ports; widen --port-range",
          calibration?.assignment(fill: true).compactMap { $0 } ?? [])
      }
      let result: CalibrationProbe.Round
      do {
        result = try probe.run(ports: ports)
      } catch {
        return outcome(.unavailable, "a calibration probe failed: \(error)", [])
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
      if senders.contains(false), let error = result.localError {
        return outcome(
          .unavailable, "this host cannot see where the server's packets arrive: \(error)", [])
      }
      servers = result.serverSlaves
      history.append((result.probed, result.arrivals, result.returns))
      if calibration == nil {
        var fresh = SwitchCalibration(
          clientSlaves: planner.slaveCount, serverSlaves: max(servers.count, 1), senders: senders)
        for past in history {
          fresh.observe(
            probed: past.probed, arrivals: past.arrivals, returns: past.returns, slavesOf: slavesOf)
        }
        calibration = fresh
      } else if var current = calibration {
        current.observe(
          probed: result.probed, arrivals: result.arrivals, returns: result.returns,
          slavesOf: slavesOf)
        calibration = current
      }
      guard let current = calibration else { continue }
      guard current.seen > 0 else {
        return outcome(
          .unavailable,
          "none of the probes was seen arriving (server slaves \(servers.joined(separator: ",")))"
            + "; are the watched slaves those of the bonds the test crosses?", [])
      }
      if let (verdict, reason) = current.switchVerdict {
        return outcome(verdict, reason, current.assignment(fill: true).compactMap { $0 })
      }
      let chosen = current.assignment()
      if chosen.allSatisfy({ $0 != nil }) {
        return verify(chosen.compactMap { $0 }, senders: senders, outcome: outcome)
      }
      if start.duration(to: .now) >= budget || round >= 12 {
        let found = chosen.compactMap { $0 }.count
        return outcome(
          .skewed,
          "no full spread within the budget (\(Units.fixed(budget.inSeconds, decimals: 1)) s, "
            + "--calibrate-budget): \(found) of \(senders.count) streams reach their slave on "
            + "the receiving host; the best ports found are used",
          current.assignment(fill: true).compactMap { $0 })
      }
    }
  }

  /// Re-probes the winners after an idle gap: the same ports must arrive on the same slaves.
  private func verify(
    _ winners: [SwitchCalibration.Stream], senders: [Bool],
    outcome: (Verdict, String, [SwitchCalibration.Stream], Bool) -> CalibrationOutcome
  ) -> CalibrationOutcome {
    Thread.sleep(forTimeInterval: idleGap.inSeconds)
    let again: CalibrationProbe.Round
    do {
      again = try probe.run(ports: winners.map(\.localPort))
    } catch {
      return outcome(
        .spread, "every stream reaches its own slave on both hosts (not rechecked: \(error))",
        winners, true)
    }
    var moved: [String] = []
    for winner in winners {
      let sender = winner.id < senders.count ? senders[winner.id] : true
      let packets = (sender ? again.arrivals : again.returns)[winner.localPort] ?? []
      let before = sender ? winner.peerSlave : winner.slave
      let host = sender ? "server" : "client"
      if case .slave(let now) = SwitchCalibration.arrival(of: packets), let before, now != before {
        moved.append("port \(winner.localPort): \(host) slave \(before) -> \(now)")
      }
    }
    if !moved.isEmpty {
      return outcome(
        .adaptive,
        "flows moved to another slave after \(Units.fixed(idleGap.inSeconds, decimals: 1)) s "
          + "idle (\(moved.joined(separator: "; "))): the switch rebalances flows (adaptive or "
          + "flowlet load balancing), so no calibration holds; the test runs on the ports found",
        winners, true)
    }
    return outcome(
      .spread, "every stream reaches its own slave on both hosts, and did again after an idle gap",
      winners, true)
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

  /// iperf3's stream id of the stream at `index` (1, 3, 4, …: iperf3 skips 2).
  public func streamID(_ index: Int) -> Int {
    index < streamIDs.count ? streamIDs[index] : index
  }

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
              ("id", .int(Int64(streamID(stream.id)))),
              ("index", .int(Int64(stream.id))),
              ("local_port", .int(Int64(stream.localPort))),
              ("slave", .int(Int64(stream.slave))),
              ("peer_slave", stream.peerSlave.map { .int(Int64($0)) } ?? .null),
            ])
          })
      ),
      ("reason", .string(reason)),
    ])
  }

  /// `calibration: VERDICT (N probes, S s): reason`, then one line per stream:
  /// "stream INDEX (id ID)", the index (0-based, pinned to client slave INDEX
  /// mod n) and iperf3's stream id, `index` and `id` in `-J`.
  public var lines: [String] {
    var lines = [
      "calibration: \(verdict.rawValue) (\(probes) probes, \(Units.fixed(seconds, decimals: 2)) s): \(reason)"
    ]
    for stream in streams {
      let peer = stream.peerSlave.map { index in
        index < serverSlaves.count ? serverSlaves[index] : "slave \(index)"
      }
      lines.append(
        "calibration:   stream \(stream.id) (id \(streamID(stream.id))): port \(stream.localPort), "
          + "client slave \(stream.slave)"
          + ", server \(peer ?? "unknown")")
    }
    return lines
  }
}
