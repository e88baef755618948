import ArgumentParser
import BondPerfCore

/// How the CLI learns the bond: read from the kernel, or described by hand.
/// Both roles take these; a client adds ``PinningOptions``.
struct BondOptions: ParsableArguments {
  @Option(
    name: .customLong("bond"),
    help: "The local bond to read from the kernel (default: the one the route to the server uses).")
  var bondName: String?

  @Option(
    help: "Describe the bond by hand: its xmit_hash_policy (for emulated or non-kernel bonds).")
  var bondPolicy: BondHashPolicy?

  @Option(
    name: .customLong("bond-mode"), help: "With --bond-policy: the bond mode (default 802.3ad).")
  var bondMode: BondMode = .ieee8023ad

  @Option(
    help: """
      With --bond-policy: the slaves, as interface names in enslave order (s0,s1,...) \
      whose counters are read, or a count.
      """)
  var slaves: String?

  @Option(help: "Read the bond from this sysfs root instead of /sys.")
  var sysfsRoot: String = "/sys"

  @Option(help: "Read the bond from this procfs root instead of /proc.")
  var procfsRoot: String = "/proc"

  var roots: HostRoots { HostRoots(sysfsRoot: sysfsRoot, procfsRoot: procfsRoot) }

  /// `--slaves` as names, or as a count.
  var slaveList: (names: [String], count: Int)? {
    guard let slaves else { return nil }
    if let count = Int(slaves) { return ([], count) }
    let names = slaves.split(separator: ",").map(String.init).filter { !$0.isEmpty }
    return (names, names.count)
  }

  /// `--slaves` as names: each given once, and each an interface on this host
  /// (its counters are read). A count is not checked here.
  func validateSlaveNames() throws {
    guard let names = slaveList?.names, !names.isEmpty else { return }
    var seen = Set<String>()
    for name in names where !seen.insert(name).inserted {
      throw ValidationError("--slaves names \(name) twice; give each slave once (s0,s1,...).")
    }
    let missing = names.filter { !EgressInterface.exists($0, roots: roots) }
    guard missing.isEmpty else {
      throw ValidationError(
        "--slaves: no interface named \(missing.joined(separator: ", ")) on this host "
          + "(see `ip link`); name the bond's slaves, or give a count to predict without counters.")
    }
  }

  /// The client's checks (a server only watches the slaves it is given).
  func validateClient(pinning: PinningOptions, cport: UInt16?) throws {
    if let list = slaveList, !(1...64).contains(list.count) {
      throw ValidationError(
        "--slaves must name 1 to 64 interfaces (s0,s1,...) or give a count 1-64.")
    }
    try validateSlaveNames()
    if slaves != nil && bondPolicy == nil && bondName == nil {
      throw ValidationError("--slaves describes a bond by hand; give --bond-policy too.")
    }
    if bondPolicy != nil && slaves == nil {
      throw ValidationError("--bond-policy needs --slaves (names like s0,s1 or a count).")
    }
    if let peerSlaves = pinning.peerSlaves, !(1...64).contains(peerSlaves) {
      throw ValidationError("--peer-slaves must be between 1 and 64, got \(peerSlaves).")
    }
    if pinning.calibrate && (pinning.noPin || cport != nil) {
      throw ValidationError(
        "--calibrate chooses the source ports itself; drop \(pinning.noPin ? "--no-pin" : "--cport")."
      )
    }
    if cport != nil && (bondPolicy != nil || bondName != nil) && !pinning.noPin {
      throw ValidationError(
        "--cport sets the source ports itself; add --no-pin to use it with a bond.")
    }
  }

  /// The bond this client sends through, or nil when there is none.
  func describe(
    local: IPAddress?, pinning: PinningOptions
  ) throws -> (BondDescription, BondInfo?)? {
    let kernelVersion = try KernelOption.resolve(pinning.kernel)
    if let policy = bondPolicy, let list = slaveList {
      let model = BondHashModel(mode: bondMode, policy: policy, kernel: kernelVersion)
      return (
        BondDescription(
          origin: "described (--bond-policy)", model: model, slaveNames: list.names,
          slaveCount: list.count, peerSlaveCount: pinning.peerSlaves), nil
      )
    }
    var name = bondName
    if name == nil, let local, let interface = try? Interfaces.name(holding: local) {
      name = EgressInterface.underlyingBond(of: interface, roots: roots)
    }
    guard let name else { return nil }
    let info = try BondInfo.read(bond: name, roots: roots)
    let model = BondHashModel(
      mode: info.mode, policy: info.hashPolicy ?? .layer2, kernel: kernelVersion,
      tlbDynamicLB: info.tlbDynamicLB ?? true)
    return (
      BondDescription(
        origin: "kernel bond \(name)", model: model, slaveNames: info.usableSlaves,
        slaveCount: info.usableSlaves.count, peerSlaveCount: pinning.peerSlaves), info
    )
  }

  /// The client's bond toward `server`, with what pinning needs from this host
  /// (local address, MACs, the ephemeral range); nil when no bond is known.
  func clientBond(
    server: SocketAddress, bind: IPAddress?, pinning: PinningOptions
  ) throws -> ClientBond? {
    let local = bind ?? (try? Interfaces.localAddress(toward: server))?.ip
    guard let (description, info) = try describe(local: local, pinning: pinning), let local
    else { return nil }
    var remoteMAC = pinning.remoteMAC
    if remoteMAC == nil {
      remoteMAC =
        server.ip.isIPv4
        ? try? NeighborTable.macAddress(ofIPv4: server.ip, roots: roots)
        : NeighborTable.macAddress(ofIPv6: server.ip)
    }
    let range =
      pinning.portRange ?? PortRange.defaultPlanningRange(avoiding: EphemeralPorts.current())
    // A described bond's MAC is the local interface's (the bond, or what stands in for it).
    let interfaceMAC = (try? Interfaces.name(holding: local))?.flatMap {
      EgressInterface.macAddress(of: $0, roots: roots)
    }
    return ClientBond(
      description: description, info: info, roots: roots, local: local, server: server,
      localMAC: pinning.localMAC ?? info?.macAddress ?? interfaceMAC, remoteMAC: remoteMAC,
      range: range, slaveRate: pinning.slaveRateBits)
  }

  /// Resolves the server once (the engine reuses the address), pins the
  /// streams on the bond if one is known, and prints what was done.
  func clientSetup(
    host: String, common: CommonOptions, client: ClientOptions, pinning: PinningOptions,
    configuration: inout ClientConfiguration, sink: OutputSink
  ) throws -> BondSetup {
    if pinning.calibrate && configuration.parameters.transport == .udp {
      // The probes are TCP connections; a switch that hashes the protocol number (as
      // the testbed's l4 switch does) can send UDP flows on the same ports elsewhere.
      throw ValidationErrorText(
        "--calibrate probes the switch with TCP and can't vouch for UDP flows; drop it "
          + "with -u (the streams stay pinned on this host's bond)")
    }
    let addresses = try SocketAddress.resolve(
      host: host, port: common.port, family: common.family)
    guard let server = addresses.first else { return .none }
    configuration.serverAddress = server
    let say = { (lines: [String]) in if !common.isJSON { lines.forEach(sink.line) } }
    guard let bond = try clientBond(server: server, bind: common.bind, pinning: pinning)
    else {
      if pinning.calibrate {
        throw ValidationErrorText(
          "--calibrate needs this host's bond: none found toward \(server.ip); "
            + "name it with --bond or describe it with --bond-policy and --slaves")
      }
      let local = common.bind ?? (try? Interfaces.localAddress(toward: server))?.ip
      let device = local.flatMap { try? Interfaces.name(holding: $0) }
      say([BondDescription.noneFoundLine(server: server.ip, device: device)])
      return .none
    }
    say(bond.headerLines)
    let plan = try bond.pinning(
      parameters: configuration.parameters, cport: client.cport, noPin: pinning.noPin,
      peerSlaves: pinning.peerSlaves)
    say(plan.lines)
    guard pinning.calibrate else {
      return bond.apply(plan, to: &configuration, ceiling: bond.ceiling)
    }
    if configuration.parameters.mode != .normal && bond.description.slaveNames.isEmpty {
      throw ValidationErrorText(
        "--calibrate with -R/--bidir watches this host's slaves: name them "
          + "(--slaves s0,s1,...) instead of giving a count")
    }
    let calibration = try bond.calibrate(
      plan: plan, parameters: configuration.parameters, configuration: configuration,
      budget: pinning.calibrateBudget)
    say(calibration.lines)
    return bond.apply(
      plan, to: &configuration, ceiling: bond.ceiling, calibration: calibration)
  }

  /// A server only watches its slaves (and reports them to bondperf clients).
  func serverSetup() throws -> BondSetup {
    var names = slaveList?.names ?? []
    if names.isEmpty, let bondName {
      names = try BondInfo.read(bond: bondName, roots: roots).usableSlaves
    }
    guard !names.isEmpty else { return .none }
    let slaveNames = names
    let monitor = SlaveCounterMonitor(slaves: slaveNames, roots: roots)
    return BondSetup(
      slaveNames: slaveNames, monitor: monitor,
      decorating: { record in
        var record = record
        let totals = monitor.lastTotals
        if !totals.isEmpty {
          record.bond = .object([
            ("slaves", .array(slaveNames.map { .string($0) })),
            ("per_slave", .array(totals.map(IperfJSON.slave))),
          ])
        }
        return record
      },
      extraResults: { BondReport.serverExtra(totals: monitor.lastTotals) },
      trailer: { _ in "" })
  }
}
