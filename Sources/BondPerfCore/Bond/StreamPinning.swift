/// How a client test's data connections get their source ports on a known bond:
/// pinned so that stream i leaves on slave `i mod n`, consecutive (`--cport`),
/// or left to the kernel (`--no-pin`), with the slave predicted either way.
///
/// Pure: the caller resolves the server, reads the neighbour table and the
/// kernel's ephemeral range, and passes the results in.
public struct StreamPinning: Sendable {
  /// What the pinning is worked out from.
  public struct Request: Sendable, Hashable {
    /// The local bond: its hash model and usable slaves.
    public var description: BondDescription
    /// The local bond's MAC (`--local-mac` or the kernel's); nil hashes as all zeros.
    public var localMAC: MACAddress?
    /// The next hop's MAC (`--remote-mac` or the neighbour table); nil hashes as all zeros.
    public var remoteMAC: MACAddress?
    /// The data connections' local address.
    public var local: IPAddress
    /// The server's address and port.
    public var remote: IPAddress
    public var serverPort: UInt16
    /// Which way data flows, and `-P`.
    public var mode: TestMode
    public var parallel: Int
    /// `--cport`: stream i binds this port + i, so nothing is planned.
    public var consecutivePorts: UInt16?
    /// `--no-pin`: the kernel picks the ports; slaves are still predicted.
    public var noPin: Bool
    /// `--peer-slaves`: the server bond's usable slaves, to pin the replies too.
    public var peerSlaves: Int?
    /// Where planned source ports come from.
    public var range: PortRange

    public init(
      description: BondDescription, localMAC: MACAddress?, remoteMAC: MACAddress?,
      local: IPAddress, remote: IPAddress, serverPort: UInt16, mode: TestMode, parallel: Int,
      consecutivePorts: UInt16? = nil, noPin: Bool = false, peerSlaves: Int? = nil,
      range: PortRange
    ) {
      self.description = description
      self.localMAC = localMAC
      self.remoteMAC = remoteMAC
      self.local = local
      self.remote = remote
      self.serverPort = serverPort
      self.mode = mode
      self.parallel = parallel
      self.consecutivePorts = consecutivePorts
      self.noPin = noPin
      self.peerSlaves = peerSlaves
      self.range = range
    }
  }

  /// The source ports the client binds: `.pinned` with alternatives for busy
  /// ports, `.consecutive` for `--cport`, else `.kernel`.
  public var sourcePorts: SourcePorts
  /// The local slave a data connection leaves on, from its local port.
  public var slavePredictor: @Sendable (_ local: SocketAddress, _ remote: SocketAddress) -> Int?
  /// What was done, as printed after `pinning:` and kept in the JSON `bond.pinning`.
  public var summary: String
  /// Why the streams could not be pinned, when they could not.
  public var note: String?
  /// The planner the ports came from (its template, model and range).
  public var planner: PortPlanner
  /// What the pinning came to.
  public var kind: PinningKind
  /// The flags a prediction needs but did not get: `--local-mac` and
  /// `--remote-mac` when the policy hashes a MAC that is unknown (and was
  /// hashed as 00:00:00:00:00:00). Empty when the prediction stands.
  public var missingMACFlags: [String]

  /// Alternatives kept per pinned stream, tried in order when its port is busy.
  public static let alternativesPerStream = 8

  /// Works out the pinning for `request`.
  ///
  /// Throws when the streams should be pinned but the range holds too few
  /// ports that land on the wanted slaves.
  public init(_ request: Request) throws(PortPlanner.PlanningError) {
    let description = request.description
    let template = FlowKey(
      sourceMAC: request.localMAC ?? .zero, destinationMAC: request.remoteMAC ?? .zero,
      source: request.local, destination: request.remote, ipProtocol: .tcp,
      destinationPort: request.serverPort)
    // The reply direction is hashed by the server's bond; without --peer-slaves a
    // reversed or bidir test assumes it mirrors ours.
    let peerCount =
      request.peerSlaves ?? (request.mode == .normal ? nil : description.slaveCount)
    let model = description.model
    let count = description.slaveCount
    planner = PortPlanner(
      template: template, model: model, slaveCount: count,
      peer: peerCount.map { PortPlanner.Peer(model: model, slaveCount: $0) },
      range: request.range)
    slavePredictor = { local, _ in
      var flow = template
      flow.sourcePort = local.port
      return model.selection(of: flow, slaveCount: count).index
    }
    sourcePorts = request.consecutivePorts.map { .consecutive(from: $0) } ?? .kernel
    missingMACFlags = Self.missingMACFlags(request)
    note = nil
    kind = .kernelPorts
    if request.consecutivePorts != nil {
      summary = "consecutive ports (--cport)"
      kind = .consecutive
      return
    }
    if request.noPin {
      summary = "kernel ports (--no-pin)"
      return
    }
    let connections = StreamID.connectionCount(parallel: request.parallel, mode: request.mode)
    switch try planner.plan(streams: connections) {
    case .pinned(let streams):
      sourcePorts = .pinned(Self.pinnedPorts(streams, planner: planner))
      kind = .pinned
      summary = "pinned (stream i on slave i mod \(count))"
      if let peerCount { summary += ", replies on peer slave i mod \(peerCount)" }
    case .sharedSlave(let index, let reason):
      summary = "not possible: shared slave"
      note = "\(reason) (\(description.name(of: index)))"
      kind = .sharedSlave(index)
    case .notPinnable(let reason):
      summary = "not possible"
      note = reason
      kind = .notPinnable
    }
  }

  /// The lines the client prints: the note, if any, the MAC warning, then `pinning: …`.
  public var lines: [String] {
    (note.map { ["note: \($0)"] } ?? []) + (macWarning.map { ["warning: \($0)"] } ?? [])
      + ["pinning: \(summary)"]
  }

  /// Says the slave predictions are unreliable and which flags fix them.
  public var macWarning: String? {
    guard !missingMACFlags.isEmpty else { return nil }
    let flags = missingMACFlags.joined(separator: " and ")
    return "slave predictions are unreliable: \(planner.model.policy.rawValue) hashes MACs "
      + "this host could not find (hashed as 00:00:00:00:00:00); pass \(flags)"
  }

  /// `--local-mac` when the policy hashes the source MAC and it is unknown,
  /// `--remote-mac` when it hashes the destination MAC and that is unknown
  /// (`bond_xmit_hash()`: layer2, layer2+3 and encap2+3 hash both through
  /// `bond_eth_hash()`, vlan+srcmac the source only;
  /// https://github.com/torvalds/linux/blob/master/drivers/net/bonding/bond_main.c).
  static func missingMACFlags(_ request: Request) -> [String] {
    let model = request.description.model
    guard model.mode != .balanceRR else { return [] }
    let policy = model.policy
    let source = [.layer2, .layer2_3, .encap2_3, .vlanSrcMAC].contains(policy)
    let destination = [.layer2, .layer2_3, .encap2_3].contains(policy)
    var flags: [String] = []
    if source && request.localMAC == nil { flags.append("--local-mac") }
    if destination && request.remoteMAC == nil { flags.append("--remote-mac") }
    return flags
  }

  /// Each planned stream's port with up to ``alternativesPerStream`` stand-ins
  /// on the same slave(s), none of them another stream's planned port.
  static func pinnedPorts(_ streams: [PortPlanner.Stream], planner: PortPlanner) -> [PinnedPort] {
    let used = Set(streams.map(\.sourcePort))
    return streams.map { stream in
      PinnedPort(
        port: stream.sourcePort, slave: stream.slave,
        alternatives: planner.alternatives(
          slave: stream.slave, peerSlave: stream.peerSlave, count: alternativesPerStream,
          after: stream.sourcePort, excluding: used))
    }
  }
}
