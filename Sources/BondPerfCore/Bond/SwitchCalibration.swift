/// What calibration decides from where probes arrived, without I/O: which
/// source ports put stream i on client slave `i mod n` *and* on server slave
/// `i mod m` after the switch, and what kind of switch hash it is facing.
///
/// Each probe port's client slave is known (the bond model); its server slave
/// is observed. A probe whose packets arrived on more than one slave was
/// sprayed; ports that never change the arrival slave of any client slave's
/// probes mean the switch ignores ports.
public struct SwitchCalibration: Sendable {
  public enum Verdict: String, Sendable, Hashable, CaseIterable {
    case spread
    case l3Only = "l3_only"
    case perPacket = "per_packet"
    case adaptive
    case skewed
    case unavailable
  }

  /// One calibrated stream: its port, its client slave and the server slave it reached.
  public struct Stream: Sendable, Hashable {
    /// The stream's index i (0-based, as in "stream i on slave i mod n").
    public var id: Int
    public var localPort: UInt16
    public var slave: Int
    public var peerSlave: Int?

    public init(id: Int, localPort: UInt16, slave: Int, peerSlave: Int?) {
      self.id = id
      self.localPort = localPort
      self.slave = slave
      self.peerSlave = peerSlave
    }
  }

  /// A probe as observed.
  public enum Arrival: Sendable, Hashable {
    /// Too few packets seen to say.
    case unseen
    /// Every packet (at least 80%) on this server slave.
    case slave(Int)
    /// Spread over several slaves.
    case sprayed
  }

  /// One probed port: its client slave and, with a peer model, the server
  /// slave the server's bond sends its replies on (both known), and where its
  /// packets arrived on each host (observed).
  public struct Probe: Sendable, Hashable {
    public var port: UInt16
    public var slave: Int
    public var peerSlave: Int?
    /// On the server's slaves: the client-to-server direction.
    public var arrival: Arrival
    /// On the client's slaves: the server-to-client direction.
    public var returned: Arrival
  }

  /// Client slaves n and server slaves m.
  public let clientSlaves: Int
  public let serverSlaves: Int
  /// Per data connection, in connect order: whether the client sends its data.
  public let senders: [Bool]
  public var streams: Int { senders.count }
  public private(set) var probes: [Probe] = []

  public init(clientSlaves: Int, serverSlaves: Int, senders: [Bool]) {
    self.clientSlaves = max(clientSlaves, 1)
    self.serverSlaves = max(serverSlaves, 1)
    self.senders = senders
  }

  public init(clientSlaves: Int, serverSlaves: Int, streams: Int) {
    self.init(
      clientSlaves: clientSlaves, serverSlaves: serverSlaves,
      senders: Array(repeating: true, count: streams))
  }

  /// The slaves connection `index` should use: client slave `i mod n`, server slave `i mod m`.
  public func target(of index: Int) -> (slave: Int, peerSlave: Int) {
    (index % clientSlaves, index % serverSlaves)
  }

  var usesForward: Bool { senders.contains(true) }
  var usesReverse: Bool { senders.contains(false) }

  /// Classifies one port's per-slave packet counts.
  public static func arrival(of packets: [Int]) -> Arrival {
    let total = packets.reduce(0, +)
    guard total >= 3, let top = packets.max(), let index = packets.firstIndex(of: top) else {
      return .unseen
    }
    return Double(top) >= 0.8 * Double(total) ? .slave(index) : .sprayed
  }

  /// Adds a round's observations: `slavesOf` gives a port's client slave and
  /// the server's reply slave (nil without a peer model).
  public mutating func observe(
    probed: [UInt16], arrivals: [UInt16: [Int]], returns: [UInt16: [Int]] = [:],
    slavesOf: (UInt16) -> (local: Int, peer: Int?)?
  ) {
    for port in probed {
      guard let slaves = slavesOf(port) else { continue }
      probes.append(
        Probe(
          port: port, slave: slaves.local, peerSlave: slaves.peer,
          arrival: Self.arrival(of: arrivals[port] ?? []),
          returned: Self.arrival(of: returns[port] ?? [])))
    }
  }

  /// Adds a round's observations of the client-to-server direction only.
  public mutating func observe(
    probed: [UInt16], arrivals: [UInt16: [Int]], slaveOf: (UInt16) -> Int?
  ) {
    observe(probed: probed, arrivals: arrivals) { port in slaveOf(port).map { ($0, nil) } }
  }

  /// The observations that matter: server arrivals when the client sends,
  /// client arrivals when the server does.
  private var observed: [Arrival] {
    (usesForward ? probes.map(\.arrival) : []) + (usesReverse ? probes.map(\.returned) : [])
  }

  /// The number of probe observations seen arriving (classified as a slave or sprayed).
  public var seen: Int { observed.filter { $0 != .unseen }.count }

  /// per_packet or l3_only when the probes so far show it; nil otherwise.
  public var switchVerdict: (Verdict, String)? {
    let sprayed = observed.filter { $0 == .sprayed }.count
    if sprayed >= 2 && sprayed * 4 >= seen {
      return (
        .perPacket,
        "\(sprayed) of \(seen) probes arrived on several slaves at once: the switch "
          + "spreads each flow's packets (per-packet load balancing), so no port can pin a "
          + "stream to a slave; expect reordering"
      )
    }
    if usesForward, serverSlaves > 1,
      let reached = Self.portBlind(probes.map { ($0.slave, $0.arrival) })
    {
      return (.l3Only, Self.l3Reason(reached.map { "server slave \($0)" }, toward: "server"))
    }
    if usesReverse, clientSlaves > 1,
      let reached = Self.portBlind(
        probes.compactMap { probe in probe.peerSlave.map { ($0, probe.returned) } })
    {
      return (.l3Only, Self.l3Reason(reached.map { "client slave \($0)" }, toward: "client"))
    }
    return nil
  }

  /// The slaves reached when every sending slave with at least 6 probes seen
  /// reached one single slave whatever the port; nil otherwise.
  static func portBlind(_ observations: [(from: Int, arrival: Arrival)]) -> [Int]? {
    var reached: [Int: Set<Int>] = [:]
    var counts: [Int: Int] = [:]
    for (from, arrival) in observations {
      guard case .slave(let slave) = arrival else { continue }
      reached[from, default: []].insert(slave)
      counts[from, default: 0] += 1
    }
    let judged = counts.filter { $0.value >= 6 }.keys
    guard !judged.isEmpty, judged.count == counts.count,
      judged.allSatisfy({ reached[$0]?.count == 1 })
    else { return nil }
    return Set(judged.compactMap { reached[$0]?.first }).sorted()
  }

  static func l3Reason(_ names: [String], toward host: String) -> String {
    "the switch ignores TCP ports: probes from different source ports all arrived on "
      + names.joined(separator: ", ")
      + ", so every stream between these two hosts shares "
      + (names.count == 1 ? "one \(host) link" : "the same \(host) links")
      + ". Set the switch's LAG hash to include layer-4 ports (e.g. ArubaOS-Switch "
      + "'trunk-load-balance L4-based', Cisco 'port-channel load-balance src-dst-port', "
      + "Juniper 'hash-key family inet layer-4')"
  }

  /// Whether `probe` does what connection `index` needs.
  func fits(_ probe: Probe, _ index: Int) -> Bool {
    let (slave, peer) = target(of: index)
    if senders[index] { return probe.slave == slave && probe.arrival == .slave(peer) }
    return probe.peerSlave == peer && probe.returned == .slave(slave)
  }

  /// What connection `index` reached: the observed slave on the receiving host.
  func reached(_ probe: Probe, _ index: Int) -> Arrival {
    senders[index] ? probe.arrival : probe.returned
  }

  /// The best ports found so far, one per connection: a port that fits it,
  /// else (when `fill`) any seen port whose sending slave is right. Nil entries
  /// were not found. A stream's `slave`/`peer_slave` are the client's and the
  /// server's slave of its data (observed on the receiving side).
  public func assignment(fill: Bool = false) -> [Stream?] {
    var used: Set<UInt16> = []
    var result: [Stream?] = Array(repeating: nil, count: streams)
    for index in 0..<streams {
      let (slave, peer) = target(of: index)
      if let probe = probes.first(where: { !used.contains($0.port) && fits($0, index) }) {
        used.insert(probe.port)
        result[index] = Stream(id: index, localPort: probe.port, slave: slave, peerSlave: peer)
      }
    }
    guard fill else { return result }
    for index in 0..<streams where result[index] == nil {
      let (slave, peer) = target(of: index)
      let sender = senders[index]
      if let probe = probes.first(where: {
        !used.contains($0.port) && reached($0, index) != .unseen
          && (sender ? $0.slave == slave : $0.peerSlave == peer)
      }) {
        used.insert(probe.port)
        var seen: Int?
        if case .slave(let slave) = reached(probe, index) { seen = slave }
        result[index] =
          sender
          ? Stream(id: index, localPort: probe.port, slave: slave, peerSlave: seen)
          : Stream(id: index, localPort: probe.port, slave: seen ?? slave, peerSlave: peer)
      }
    }
    return result
  }

  /// Candidates wanted for the connections still unmatched: per (client slave,
  /// server reply slave or nil), `perStream` per missing connection, at most `limit` in all.
  public func wanted(perStream: Int, limit: Int) -> [Want: Int] {
    var need: [Want: Int] = [:]
    var total = 0
    for (index, stream) in assignment().enumerated() where stream == nil {
      let (slave, peer) = target(of: index)
      let add = min(perStream, limit - total)
      guard add > 0 else { break }
      need[Want(slave: slave, peerSlave: senders[index] ? nil : peer), default: 0] += add
      total += add
    }
    return need
  }

  /// Candidates for every connection of a first round, `perStream` each, at most `limit`.
  public func initial(perStream: Int, limit: Int) -> [Want: Int] {
    var need: [Want: Int] = [:]
    let each = max(1, min(perStream, limit / max(streams, 1)))
    for index in 0..<streams {
      let (slave, peer) = target(of: index)
      need[Want(slave: slave, peerSlave: senders[index] ? nil : peer), default: 0] += each
    }
    return need
  }

  /// Ports wanted: on this client slave, with the server's replies on this slave (if any).
  public struct Want: Sendable, Hashable, Comparable {
    public var slave: Int
    public var peerSlave: Int?

    public static func < (lhs: Want, rhs: Want) -> Bool {
      (lhs.slave, lhs.peerSlave ?? -1) < (rhs.slave, rhs.peerSlave ?? -1)
    }
  }
}
