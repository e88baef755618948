import ArgumentParser
import BondPerfCore

/// How the CLI learns the bond: read from the kernel, or described by hand.
struct BondOptions: ParsableArguments {
  @Option(name: .customLong("bond"), help: "The local bond to read from the kernel (default: the one the route to the server uses).")
  var bondName: String?

  @Option(help: "Describe the bond by hand: its xmit_hash_policy (for emulated or non-kernel bonds).")
  var bondPolicy: BondHashPolicy?

  @Option(name: .customLong("bond-mode"), help: "With --bond-policy: the bond mode (default 802.3ad).")
  var bondMode: BondMode = .ieee8023ad

  @Option(help: "With --bond-policy: the slaves, as interface names in enslave order (s0,s1,...) whose counters are read, or a count.")
  var slaves: String?

  @Option(help: "Slaves of the server's bond, to pin the reply direction too.")
  var peerSlaves: Int?

  @Flag(help: "Leave source ports to the kernel (for comparison); slaves are still predicted.")
  var noPin = false

  @Option(help: "Source ports to plan from, A-B (default: outside the kernel's ephemeral range).")
  var portRange: PortRange?

  @Option(help: "Model this kernel's hash variant (X.Y); default: the running kernel.")
  var kernel: KernelVersion?

  @Option(help: "Read the bond from this sysfs root instead of /sys.")
  var sysfsRoot: String = "/sys"

  @Option(help: "Read the bond from this procfs root instead of /proc.")
  var procfsRoot: String = "/proc"

  @Option(help: "The local bond's MAC (layer2, layer2+3, vlan+srcmac hash it).")
  var localMAC: MACAddress?

  @Option(help: "The next hop's MAC (layer2 and layer2+3 hash it).")
  var remoteMAC: MACAddress?

  var roots: HostRoots { HostRoots(sysfsRoot: sysfsRoot, procfsRoot: procfsRoot) }

  /// `--slaves` as names, or as a count.
  var slaveList: (names: [String], count: Int)? {
    guard let slaves else { return nil }
    if let count = Int(slaves) { return ([], count) }
    let names = slaves.split(separator: ",").map(String.init).filter { !$0.isEmpty }
    return (names, names.count)
  }

  func validate(options: TestOptions) throws {
    if let list = slaveList, !(1...64).contains(list.count) {
      throw ValidationError("--slaves must name 1 to 64 interfaces (s0,s1,...) or give a count 1-64.")
    }
    if slaves != nil && bondPolicy == nil && bondName == nil {
      throw ValidationError("--slaves describes a bond by hand; give --bond-policy too.")
    }
    if bondPolicy != nil && slaves == nil {
      throw ValidationError("--bond-policy needs --slaves (names like s0,s1 or a count).")
    }
    if let peerSlaves, !(1...64).contains(peerSlaves) {
      throw ValidationError("--peer-slaves must be between 1 and 64, got \(peerSlaves).")
    }
    if options.cport != nil && (bondPolicy != nil || bondName != nil) && !noPin {
      throw ValidationError("--cport sets the source ports itself; add --no-pin to use it with a bond.")
    }
  }

  /// The bond this client sends through, or nil when there is none.
  func describe(local: IPAddress?) throws -> (BondDescription, BondInfo?)? {
    let kernelVersion = try KernelOption.resolve(kernel)
    if let policy = bondPolicy, let list = slaveList {
      let model = BondHashModel(mode: bondMode, policy: policy, kernel: kernelVersion)
      return (
        BondDescription(
          origin: "described (--bond-policy)", model: model, slaveNames: list.names,
          slaveCount: list.count, peerSlaveCount: peerSlaves), nil
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
        slaveCount: info.usableSlaves.count, peerSlaveCount: peerSlaves), info
    )
  }

  func clientSetup(
    host: String, options: TestOptions, configuration: inout ClientConfiguration, sink: OutputSink
  ) throws -> BondSetup {
    let server = try SocketAddress.resolve(host: host, port: options.port, family: options.family)
    guard let remote = server.first else { return .none }
    let local = options.bind ?? (try? Interfaces.localAddress(toward: remote))?.ip
    guard let (description, info) = try describe(local: local), let local else { return .none }
    let quiet = options.json || options.jsonStream
    func say(_ text: String) { if !quiet { sink.line(text) } }
    say(description.summaryLine)
    for warning in info?.warnings ?? [] { say("warning: \(warning)") }

    let template = FlowKey(
      sourceMAC: localMAC ?? info?.macAddress ?? .zero,
      destinationMAC: remoteMAC
        ?? (remote.ip.isIPv4 ? (try? NeighborTable.macAddress(ofIPv4: remote.ip, roots: roots)) ?? nil : nil)
        ?? .zero,
      source: local, destination: remote.ip, ipProtocol: .tcp, destinationPort: options.port)
    let mode = configuration.parameters.mode
    let peerCount = peerSlaves ?? (mode == .normal ? nil : description.slaveCount)
    let planner = PortPlanner(
      template: template, model: description.model, slaveCount: description.slaveCount,
      peer: peerCount.map { PortPlanner.Peer(model: description.model, slaveCount: $0) },
      range: portRange ?? PortRange.defaultPlanningRange(avoiding: EphemeralPorts.current()))
    let model = description.model
    let count = description.slaveCount
    configuration.slavePredictor = { localAddress, _ in
      var flow = template
      flow.sourcePort = localAddress.port
      return model.selection(of: flow, slaveCount: count).index
    }

    var pinning = "kernel ports (--no-pin)"
    var note: String?
    let connections = StreamID.connectionCount(
      parallel: configuration.parameters.parallel, mode: mode)
    if options.cport != nil {
      pinning = "consecutive ports (--cport)"
    } else if !noPin {
      let plan: PortPlanner.Plan
      do {
        plan = try planner.plan(streams: connections)
      } catch {
        throw ValidationErrorText("cannot pin the streams: \(error)")
      }
      switch plan {
      case .pinned(let streams):
        let used = Set(streams.map(\.sourcePort))
        configuration.sourcePorts = .pinned(
          streams.map { stream in
            PinnedPort(
              port: stream.sourcePort, slave: stream.slave,
              alternatives: planner.alternatives(
                slave: stream.slave, peerSlave: stream.peerSlave, count: 8,
                after: stream.sourcePort, excluding: used))
          })
        pinning = "pinned (stream i on slave i mod \(count))"
        if let peerCount { pinning += ", replies on peer slave i mod \(peerCount)" }
      case .sharedSlave(let index, let reason):
        pinning = "not possible: shared slave"
        note = "\(reason) (\(description.name(of: index)))"
        say("note: \(note ?? "")")
      case .notPinnable(let reason):
        pinning = "not possible"
        note = reason
        say("note: \(reason)")
      }
    }
    say("pinning: \(pinning)")

    let monitor: SlaveCounterMonitor? =
      description.slaveNames.isEmpty ? nil : SlaveCounterMonitor(slaves: description.slaveNames, roots: roots)
    let finalPinning = pinning
    let finalNote = note
    return BondSetup(
      slaveNames: description.slaveNames, monitor: monitor,
      decorating: { record in
        var record = record
        record.bond = BondReport.json(
          description: description, plan: finalPinning, note: finalNote, record: record,
          localTotals: monitor?.lastTotals ?? [])
        return record
      },
      extraResults: { [] },
      printSummary: { record, sink in
        let clientSends = record.connected.contains { $0.localSends }
        let local = BondReport.rows(
          description: description, connected: record.connected,
          totals: monitor?.lastTotals ?? [], dataOnTx: clientSends, stalled: record.stalledStreams)
        if !local.isEmpty {
          sink.line("")
          sink.line(BondReport.table(title: "Per-slave truth, this host (\(description.origin)):", rows: local))
        }
        let peer = BondReport.peerTotals(record.peerExtra)
        if !peer.isEmpty {
          let rows = BondReport.rows(
            description: description, connected: record.connected, totals: peer,
            dataOnTx: !clientSends, stalled: record.stalledStreams)
          sink.line(BondReport.table(title: "Per-slave truth, server host (from the bondperf server):", rows: rows))
        }
      },
      description: description)
  }

  /// A server only watches its slaves (and reports them to bondperf clients).
  func serverSetup(options: TestOptions) throws -> BondSetup {
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
      printSummary: { _, _ in })
  }
}
