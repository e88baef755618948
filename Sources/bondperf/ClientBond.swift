import BondPerfCore

/// A client's bond toward one server, with what this host told about it: the
/// inputs of ``StreamPinning`` that don't change from test to test.
struct ClientBond {
  var description: BondDescription
  /// The kernel's view of the bond; nil when it was described by hand.
  var info: BondInfo?
  var roots: HostRoots
  var local: IPAddress
  var server: SocketAddress
  var localMAC: MACAddress?
  var remoteMAC: MACAddress?
  var range: PortRange
  /// `--slave-rate` in bit/s.
  var slaveRate: Int64?

  /// The usable slaves' rates as this host can tell them (qdisc, NIC speed).
  var slaveRates: [SlaveRate] {
    if let info {
      return info.usableSlaveInfos.map {
        SlaveRate.read(name: $0.name, speedMbps: $0.speedMbps, roots: roots)
      }
    }
    return description.slaveNames.map { SlaveRate.read(name: $0, roots: roots) }
  }

  /// The links' ceiling: `--slave-rate`, else the slaves' rates.
  var ceiling: LinkCeiling {
    LinkCeiling(
      description: description, rates: slaveRate == nil ? slaveRates : [], given: slaveRate)
  }

  /// The pinning of a test with `parameters`.
  func pinning(
    parameters: TestParameters, cport: UInt16?, noPin: Bool, peerSlaves: Int?
  ) throws -> StreamPinning {
    do {
      return try StreamPinning(
        StreamPinning.Request(
          description: description, localMAC: localMAC, remoteMAC: remoteMAC, local: local,
          remote: server.ip, serverPort: server.port, mode: parameters.mode,
          parallel: parameters.parallel, consecutivePorts: cport, noPin: noPin,
          peerSlaves: peerSlaves, range: range))
    } catch {
      throw ValidationErrorText("cannot pin the streams: \(error)")
    }
  }

  /// Probes the server (`--calibrate`) for ports that spread the streams on
  /// both hosts' slaves. Against a server that is not bondperf this is an error.
  func calibrate(
    plan: StreamPinning, parameters: TestParameters, configuration: ClientConfiguration,
    budget: Double
  ) throws -> CalibrationOutcome {
    var probe = CalibrationProbe(
      server: server, bindAddress: configuration.bindAddress,
      bindDevice: configuration.bindDevice)
    probe.connectTimeout = configuration.connectTimeout
    var planner = plan.planner
    if parameters.mode == .normal {
      planner.peer = nil
    } else {
      // The server's replies: watch this host's slaves for where they arrive.
      probe.localSlaves = description.slaveNames
    }
    let calibrator = SwitchCalibrator(
      probe: probe, planner: planner, parallel: parameters.parallel, mode: parameters.mode,
      budget: .milliseconds(Int(budget * 1000)))
    let outcome = calibrator.run()
    if !outcome.serverAnswered {
      throw ValidationErrorText(
        "--calibrate needs a bondperf server (started with --slaves or --bond): "
          + "\(server.ip) port \(server.port) answered like iperf3; drop --calibrate")
    }
    return outcome
  }

  /// What the client prints before pinning: the bond and its warnings.
  var headerLines: [String] {
    [description.summaryLine] + (info?.warnings ?? []).map { "warning: \($0)" }
  }

  /// Puts `plan`'s source ports and slave predictor into `configuration`, and
  /// returns the bond's part in the test: the slaves' counters, the `bond` JSON
  /// member and the per-slave tables after the summary.
  func apply(
    _ plan: StreamPinning, to configuration: inout ClientConfiguration, ceiling: LinkCeiling,
    calibration: CalibrationOutcome? = nil
  ) -> BondSetup {
    configuration.sourcePorts = plan.sourcePorts
    if let calibration, case .pinned(let planned) = plan.sourcePorts {
      configuration.sourcePorts = .pinned(Self.calibrated(planned, calibration))
    }
    configuration.slavePredictor = plan.slavePredictor
    let description = description
    let monitor: SlaveCounterMonitor? =
      description.slaveNames.isEmpty
      ? nil : SlaveCounterMonitor(slaves: description.slaveNames, roots: roots)
    let summary = plan.summary
    let note = plan.note
    var diagnosisContext = BondDiagnosis.Context(
      ceiling: ceiling, kind: plan.kind, missingMACFlags: plan.missingMACFlags)
    diagnosisContext.calibrated = calibration != nil
    let context = diagnosisContext
    let change = changeReader(plan)
    return BondSetup(
      slaveNames: description.slaveNames, monitor: monitor,
      decorating: { record in
        var record = record
        record.bond = BondReport.json(
          description: description, plan: summary, note: note, record: record,
          localTotals: monitor?.lastTotals ?? [], context: context)
        if let calibration, case .object(var members) = record.bond {
          members.append(("calibration", calibration.json))
          record.bond = .object(members)
        }
        if let change = change(record), case .object(var members) = record.bond {
          members.append(("change", change.json))
          record.bond = .object(members)
        }
        return record
      },
      extraResults: { [] },
      trailer: { record in
        let text = SlaveTruthReport.text(
          description: description, record: record, localTotals: monitor?.lastTotals ?? [],
          context: context)
        guard let change = change(record) else { return text }
        return text + change.lines.map { $0 + "\n" }.joined()
      })
  }

  /// Reads the bond again at the end of a test and says how it changed since the
  /// start (a slave down, the usable slaves), with where the driver's hash sends
  /// each sending stream now; nil when the bond was described by hand or is unchanged.
  func changeReader(_ plan: StreamPinning) -> @Sendable (TestRecord) -> BondChange? {
    guard let info else { return { _ in nil } }
    let roots = roots
    let description = description
    let planner = plan.planner
    let hashes = [.balanceXOR, .ieee8023ad].contains(info.mode)
    return { record in
      guard let now = try? BondInfo.read(bond: info.name, roots: roots),
        var change = BondChange(before: info, after: now)
      else { return nil }
      change.streamMoves = record.connected.filter(\.localSends).map { stream in
        var after: String?
        if hashes, !change.usableAfter.isEmpty {
          var flow = planner.template
          flow.sourcePort = stream.local.port
          after = planner.model.selection(of: flow, slaveCount: change.usableAfter.count).index
            .map { change.usableAfter[$0] }
        }
        return BondChange.StreamMove(
          socket: stream.socket, before: stream.predictedSlave.map { description.name(of: $0) },
          after: after)
      }
      return change
    }
  }

  /// The planned ports with calibration's winners in their place: stream i's
  /// calibrated port first, the planned port and its stand-ins after it.
  static func calibrated(_ planned: [PinnedPort], _ calibration: CalibrationOutcome)
    -> [PinnedPort]
  {
    planned.enumerated().map { index, pinned in
      guard let stream = calibration.streams.first(where: { $0.id == index }) else {
        return pinned
      }
      let rest = ([pinned.port] + pinned.alternatives).filter { $0 != stream.localPort }
      return PinnedPort(port: stream.localPort, slave: stream.slave, alternatives: rest)
    }
  }
}
