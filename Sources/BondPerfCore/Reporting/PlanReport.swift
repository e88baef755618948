/// A port plan as scripts read it (`bondperf plan --json`, and the client's
/// JSON `bond` object). Encoded with snake_case keys.
public struct PlanReport: Codable, Hashable, Sendable {
  public struct KernelVariant: Codable, Hashable, Sendable {
    public var version: String
    public var shift: KernelVersion.ShiftVariant
    public var ethertype: KernelVersion.EthertypeVariant
  }

  public struct Stream: Codable, Hashable, Sendable {
    public var stream: Int
    public var sourcePort: UInt16
    public var slave: Int
    public var peerSlave: Int?
    public var portsTried: Int
    public var alternatives: [UInt16]?
  }

  public var mode: BondMode
  public var policy: BondHashPolicy
  public var kernel: KernelVariant
  public var slaves: Int
  public var peerSlaves: Int?
  public var local: IPAddress
  public var remote: IPAddress
  public var remotePort: UInt16
  public var portRange: String
  /// "pinned", "shared_slave" or "not_pinnable".
  public var outcome: String
  /// The one slave every stream shares, for `shared_slave`.
  public var sharedSlave: Int?
  public var note: String?
  public var streams: [Stream]

  /// Builds the report for a plan made by `planner`.
  public init(
    planner: PortPlanner, plan: PortPlanner.Plan, alternatives: Int = 0
  ) {
    let model = planner.model
    self.mode = model.mode
    self.policy = model.policy
    self.kernel = KernelVariant(
      version: model.kernel.description, shift: model.kernel.shiftVariant,
      ethertype: model.kernel.ethertypeVariant)
    self.slaves = planner.slaveCount
    self.peerSlaves = planner.peer?.slaveCount
    self.local = planner.template.source ?? .unspecifiedIPv4
    self.remote = planner.template.destination ?? .unspecifiedIPv4
    self.remotePort = planner.template.destinationPort
    self.portRange = planner.range.description
    switch plan {
    case .pinned(let streams):
      outcome = "pinned"
      sharedSlave = nil
      note = nil
      let used = Set(streams.map(\.sourcePort))
      self.streams = streams.map { stream in
        Stream(
          stream: stream.index, sourcePort: stream.sourcePort, slave: stream.slave,
          peerSlave: stream.peerSlave, portsTried: stream.portsTried,
          alternatives: alternatives > 0
            ? planner.alternatives(
              slave: stream.slave, peerSlave: stream.peerSlave, count: alternatives,
              after: stream.sourcePort, excluding: used)
            : nil)
      }
    case .sharedSlave(let index, let reason):
      outcome = "shared_slave"
      sharedSlave = index
      note = reason
      streams = []
    case .notPinnable(let reason):
      outcome = "not_pinnable"
      sharedSlave = nil
      note = reason
      streams = []
    }
  }
}
