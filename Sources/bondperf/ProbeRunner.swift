import BondPerfCore

/// Runs the exporter's probes: one client test against the target, pinned on
/// the bond toward it as `bondperf client` would pin it, with no output.
struct ProbeRunner: Sendable {
  var bond: BondOptions
  var pinning: PinningOptions

  func run(_ probe: ProbeRequest, deadline: ContinuousClock.Instant) async -> ProbeOutcome {
    var configuration = ClientConfiguration(host: probe.host)
    configuration.port = probe.port
    configuration.interval = 0
    configuration.connectTimeout = .seconds(3)
    configuration.controlTimeout = .seconds(10)
    configuration.idleTimeout = .seconds(5)
    var parameters = TestParameters()
    parameters.parallel = probe.parallel
    parameters.time = probe.seconds
    parameters.reverse = probe.reverse
    configuration.parameters = parameters
    let setup: BondSetup
    do {
      guard let server = try SocketAddress.resolve(host: probe.host, port: probe.port).first
      else { return .failed("\(probe.host) has no address") }
      configuration.serverAddress = server
      setup = try pinned(&configuration, server: server, calibrate: probe.calibrate)
    } catch {
      return .failed("\(error)")
    }
    let observer = RecordKeeper()
    let client = Client(configuration: configuration, observer: observer, bond: setup)
    // The deadline ends a test that hangs (a server that stops answering mid-test).
    let watchdog = Task {
      try await Task.sleep(until: deadline, clock: .continuous)
      client.interrupt()
    }
    defer { watchdog.cancel() }
    var failure: String?
    do {
      _ = try await client.run()
    } catch {
      failure = "\(error)"
    }
    guard var record = observer.record else {
      return .failed(failure ?? "the test ended without a record")
    }
    if record.error == nil, let failure { record.error = failure }
    return .document(IperfJSON.document(setup.decorate(record)))
  }

  /// Pins the streams when a bond is known toward `server`, calibrating the
  /// ports through the switch first for `calibrate=1`.
  private func pinned(
    _ configuration: inout ClientConfiguration, server: SocketAddress, calibrate: Bool
  ) throws
    -> BondSetup
  {
    guard let clientBond = try bond.clientBond(server: server, bind: nil, pinning: pinning)
    else {
      if calibrate {
        throw ValidationErrorText(
          "calibrate=1 needs this host's bond: none found toward \(server.ip); "
            + "start the exporter with --bond or --bond-policy and --slaves")
      }
      return .none
    }
    let plan = try clientBond.pinning(
      parameters: configuration.parameters, cport: nil, noPin: pinning.noPin && !calibrate,
      peerSlaves: pinning.peerSlaves)
    guard calibrate else {
      return clientBond.apply(plan, to: &configuration, ceiling: clientBond.ceiling)
    }
    let calibration = try clientBond.calibrate(
      plan: plan, parameters: configuration.parameters, configuration: configuration,
      budget: pinning.calibrateBudget)
    return clientBond.apply(
      plan, to: &configuration, ceiling: clientBond.ceiling, calibration: calibration)
  }
}
