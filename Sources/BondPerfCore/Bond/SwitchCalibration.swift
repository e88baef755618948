/// What calibration decides from where probes arrived, without I/O: which
/// source ports put stream i on client slave `i mod n` *and* on server slave
/// `i mod m` after the switch, and what kind of switch hash it is facing.
///
/// Each probe port's client slave is known (the bond model); its server slave
/// is observed. A probe whose packets arrived on more than one slave was
/// sprayed; ports that never change the arrival slave of any client slave's
/// probes mean the switch ignores ports.
public struct SwitchCalibration: Sendable {
  public enum Verdict: String, Sendable, Hashable {
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

  /// Client slaves n and server slaves m, and how many streams.
  public let clientSlaves: Int
  public let serverSlaves: Int
  public let streams: Int
  /// Each probed port's client slave and arrival, in probing order.
  public private(set) var probes: [(port: UInt16, slave: Int, arrival: Arrival)] = []

  public init(clientSlaves: Int, serverSlaves: Int, streams: Int) {
    self.clientSlaves = max(clientSlaves, 1)
    self.serverSlaves = max(serverSlaves, 1)
    self.streams = streams
  }

  /// The slaves stream `index` should use.
  public func target(of index: Int) -> (slave: Int, peerSlave: Int) {
    (index % clientSlaves, index % serverSlaves)
  }

  /// Classifies one port's per-slave packet counts.
  public static func arrival(of packets: [Int]) -> Arrival {
    let total = packets.reduce(0, +)
    guard total >= 3, let top = packets.max(), let index = packets.firstIndex(of: top) else {
      return .unseen
    }
    return Double(top) >= 0.8 * Double(total) ? .slave(index) : .sprayed
  }

  /// Adds a round's observations: `slaveOf` gives a port's client slave.
  public mutating func observe(
    probed: [UInt16], arrivals: [UInt16: [Int]], slaveOf: (UInt16) -> Int?
  ) {
    for port in probed {
      guard let slave = slaveOf(port) else { continue }
      probes.append((port, slave, Self.arrival(of: arrivals[port] ?? [])))
    }
  }

  /// The number of probes seen arriving (classified as a slave or sprayed).
  public var seen: Int { probes.filter { $0.arrival != .unseen }.count }

  /// per_packet or l3_only when the probes so far show it; nil otherwise.
  public var switchVerdict: (Verdict, String)? {
    let sprayed = probes.filter { $0.arrival == .sprayed }.count
    if sprayed >= 2 && sprayed * 4 >= seen {
      return (
        .perPacket,
        "\(sprayed) of \(seen) probes arrived on several server slaves at once: the switch "
          + "spreads each flow's packets (per-packet load balancing), so no port can pin a "
          + "stream to a slave; expect reordering"
      )
    }
    guard serverSlaves > 1 else { return nil }
    var perSlave: [Int: Set<Int>] = [:]
    var counts: [Int: Int] = [:]
    for probe in probes {
      guard case .slave(let peer) = probe.arrival else { continue }
      perSlave[probe.slave, default: []].insert(peer)
      counts[probe.slave, default: 0] += 1
    }
    let judged = counts.filter { $0.value >= 6 }.keys
    guard !judged.isEmpty, judged.count == counts.count,
      judged.allSatisfy({ perSlave[$0]?.count == 1 })
    else { return nil }
    let reached = Set(judged.compactMap { perSlave[$0]?.first }).sorted()
    let names = reached.map { "server slave \($0)" }.joined(separator: ", ")
    return (
      .l3Only,
      "the switch ignores TCP ports: \(seen) probes from different source ports all arrived on "
        + "\(names), so every stream between these two hosts shares "
        + (reached.count == 1 ? "one server link" : "the same server links")
        + ". Set the switch's LAG hash to include layer-4 ports (e.g. ArubaOS-Switch "
        + "'trunk-load-balance L4-based', Cisco 'port-channel load-balance src-dst-port', "
        + "Juniper 'hash-key family inet layer-4')"
    )
  }

  /// The best ports found so far, one per stream: a port on the stream's
  /// client slave that reached its server slave, else (when `fill`) any seen
  /// port on its client slave. Nil entries were not found.
  public func assignment(fill: Bool = false) -> [Stream?] {
    var used: Set<UInt16> = []
    var result: [Stream?] = Array(repeating: nil, count: streams)
    for index in 0..<streams {
      let (slave, peer) = target(of: index)
      if let probe = probes.first(where: {
        !used.contains($0.port) && $0.slave == slave && $0.arrival == .slave(peer)
      }) {
        used.insert(probe.port)
        result[index] = Stream(id: index, localPort: probe.port, slave: slave, peerSlave: peer)
      }
    }
    guard fill else { return result }
    for index in 0..<streams where result[index] == nil {
      let (slave, _) = target(of: index)
      if let probe = probes.first(where: {
        !used.contains($0.port) && $0.slave == slave && $0.arrival != .unseen
      }) {
        used.insert(probe.port)
        var peer: Int?
        if case .slave(let seen) = probe.arrival { peer = seen }
        result[index] = Stream(id: index, localPort: probe.port, slave: slave, peerSlave: peer)
      }
    }
    return result
  }

  /// How many more candidates each client slave needs for the streams still
  /// unmatched: `perStream` per missing stream, at most `limit` in all.
  public func wanted(perStream: Int, limit: Int) -> [Int: Int] {
    var need: [Int: Int] = [:]
    var total = 0
    for (index, stream) in assignment().enumerated() where stream == nil {
      let slave = target(of: index).slave
      let add = min(perStream, limit - total)
      guard add > 0 else { break }
      need[slave, default: 0] += add
      total += add
    }
    return need
  }
}
