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
      setup = try pinned(&configuration, server: server)
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

  /// Pins the streams when a bond is known toward `server`.
  private func pinned(_ configuration: inout ClientConfiguration, server: SocketAddress) throws
    -> BondSetup
  {
    guard let clientBond = try bond.clientBond(server: server, bind: nil, pinning: pinning)
    else { return .none }
    let plan = try clientBond.pinning(
      parameters: configuration.parameters, cport: nil, noPin: pinning.noPin,
      peerSlaves: pinning.peerSlaves)
    return clientBond.apply(plan, to: &configuration, ceiling: clientBond.ceiling)
  }
}
