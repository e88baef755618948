/// Chooses source ports so that stream i leaves the bond on slave `i mod n`
/// (and, optionally, its reply direction leaves the peer's bond on `i mod m`).
///
/// Pure: it only evaluates ``BondHashModel`` on candidate ports.
public struct PortPlanner: Sendable {
  /// The fixed part of every stream's flow: addresses, MACs, remote port.
  public var template: FlowKey
  /// The local bond's model and usable slave count.
  public var model: BondHashModel
  public var slaveCount: Int
  /// The peer bond (for the reply direction), if it is to be pinned too.
  public var peer: Peer?
  /// Where planned source ports come from.
  public var range: PortRange

  /// The far host's bond, which hashes the reply direction.
  public struct Peer: Hashable, Sendable, Codable {
    public var model: BondHashModel
    public var slaveCount: Int

    public init(model: BondHashModel, slaveCount: Int) {
      self.model = model
      self.slaveCount = slaveCount
    }
  }

  public init(
    template: FlowKey, model: BondHashModel, slaveCount: Int, peer: Peer? = nil,
    range: PortRange
  ) {
    self.template = template
    self.model = model
    self.slaveCount = slaveCount
    self.peer = peer
    self.range = range
  }

  /// What one stream was planned to do.
  public struct Stream: Hashable, Sendable, Codable {
    public var index: Int
    public var sourcePort: UInt16
    public var slave: Int
    /// The peer's slave for the reply direction (when the peer is known).
    public var peerSlave: Int?
    /// How many candidate ports were evaluated to find this one.
    public var portsTried: Int
  }

  /// The plan for K streams, or why ports can't steer them.
  public enum Plan: Hashable, Sendable {
    /// Stream i on slave i mod n (and peer slave i mod m when a peer is given).
    case pinned([Stream])
    /// Ports don't move the hash: every stream between these hosts uses one slave.
    case sharedSlave(index: Int, reason: String)
    /// The slave is chosen per packet, or at run time: nothing to pin.
    case notPinnable(reason: String)
  }

  /// Errors that leave no plan.
  public struct PlanningError: Error, CustomStringConvertible, Hashable, Sendable {
    public var description: String
  }

  /// The flow of a stream with `port` as its source port.
  public func flow(sourcePort port: UInt16) -> FlowKey {
    var flow = template
    flow.sourcePort = port
    return flow
  }

  /// The local and peer slave of a candidate port, if both are predictable.
  public func slaves(of port: UInt16) -> (local: Int, peer: Int?)? {
    let forward = flow(sourcePort: port)
    guard let local = model.selection(of: forward, slaveCount: slaveCount).index else {
      return nil
    }
    guard let peer else { return (local, nil) }
    guard let remote = peer.model.selection(of: forward.reversed, slaveCount: peer.slaveCount).index
    else { return nil }
    return (local, remote)
  }

  /// Plans `streams` source ports: stream i on slave `i mod n`, ports rising
  /// through the range from its start (wrapping once), none repeated.
  public func plan(streams: Int, excluding excluded: Set<UInt16> = []) throws(PlanningError)
    -> Plan
  {
    guard slaveCount > 0 else { throw PlanningError(description: "the bond has no usable slave") }
    switch model.selection(of: flow(sourcePort: range.lower), slaveCount: slaveCount) {
    case .perPacket(let reason), .allSlaves(let reason), .unpredictable(let reason),
      .activeSlave(let reason):
      return .notPinnable(reason: reason)
    case .slave(let index, _):
      if !model.policy.usesPorts || model.mode == .balanceRR {
        return .sharedSlave(
          index: index,
          reason:
            "\(model.policy.rawValue) does not hash the ports: every stream between these "
            + "two hosts leaves on slave \(index)")
      }
    }
    var chosen: [Stream] = []
    var used = excluded
    var cursor = range.lower
    for index in 0..<streams {
      let target = index % slaveCount
      let peerTarget = peer.map { index % $0.slaveCount }
      guard
        let found = search(
          from: cursor, slave: target, peerSlave: peerTarget, excluding: used)
      else {
        let peerText = peerTarget.map { " and the reply on peer slave \($0)" } ?? ""
        throw PlanningError(
          description:
            "no port in \(range) puts stream \(index) on slave \(target)\(peerText); "
            + "widen --port-range")
      }
      chosen.append(
        Stream(
          index: index, sourcePort: found.port, slave: target, peerSlave: peerTarget,
          portsTried: found.tried))
      used.insert(found.port)
      cursor = found.port == range.upper ? range.lower : found.port + 1
    }
    return .pinned(chosen)
  }

  /// Up to `count` further ports that land on `slave` (and `peerSlave`), for
  /// when a planned port turns out to be busy.
  public func alternatives(
    slave: Int, peerSlave: Int?, count: Int, after start: UInt16? = nil,
    excluding excluded: Set<UInt16> = []
  ) -> [UInt16] {
    var result: [UInt16] = []
    var used = excluded
    var cursor = start.map { $0 == range.upper ? range.lower : $0 + 1 } ?? range.lower
    while result.count < count,
      let found = search(from: cursor, slave: slave, peerSlave: peerSlave, excluding: used)
    {
      result.append(found.port)
      used.insert(found.port)
      cursor = found.port == range.upper ? range.lower : found.port + 1
    }
    return result
  }

  /// The first port at or after `start` (wrapping once through the range)
  /// that lands on the wanted slaves.
  private func search(
    from start: UInt16, slave: Int, peerSlave: Int?, excluding used: Set<UInt16>
  ) -> (port: UInt16, tried: Int)? {
    var port = range.contains(start) ? start : range.lower
    var tried = 0
    while tried < range.count {
      tried += 1
      if !used.contains(port), let slaves = slaves(of: port), slaves.local == slave,
        peerSlave == nil || slaves.peer == peerSlave
      {
        return (port, tried)
      }
      port = port == range.upper ? range.lower : port + 1
    }
    return nil
  }
}
