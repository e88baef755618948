/// What one slave can carry, and how that is known.
public struct SlaveRate: Sendable, Hashable {
  /// Where a rate came from.
  public enum Source: String, Sendable, Hashable {
    /// `--slave-rate`.
    case given
    /// The root tbf or htb qdisc's rate (``TrafficControl``).
    case qdisc
    /// The link speed of a physical NIC.
    case linkSpeed
    /// A virtual link (veth, tap, ...): its speed is nominal, not a limit.
    case virtualLink
    /// No speed known (link down, a count-only description).
    case unknown
  }

  public var name: String
  /// Bits per second; nil when unknown.
  public var bitsPerSecond: Int64?
  public var source: Source

  public init(name: String, bitsPerSecond: Int64?, source: Source) {
    self.name = name
    self.bitsPerSecond = bitsPerSecond
    self.source = source
  }

  /// Reads `name`'s rate: the root qdisc's rate when it has one (capped by a
  /// physical link's speed), else a physical link's speed, else unknown.
  ///
  /// A link is physical when `<sysfs>/class/net/<name>/device` exists: virtual
  /// devices (veth, dummy, tun) live under `/sys/devices/virtual` and have no
  /// device link, and veth reports a nominal 10000 Mb/s. See
  /// https://www.kernel.org/doc/Documentation/ABI/testing/sysfs-class-net
  /// (`speed`: "indicates the interface latest or current speed").
  ///
  /// - Parameters:
  ///   - speedMbps: The bond's report of the speed, if any; else sysfs `speed`.
  ///   - qdiscRate: Reads the root qdisc's rate (``TrafficControl/rootRate(of:)``).
  public static func read(
    name: String, speedMbps: Int? = nil, roots: HostRoots = .live,
    qdiscRate: (String) -> Int64? = TrafficControl.rootRate(of:)
  ) -> SlaveRate {
    // Without a sysfs entry to look at (a fixture tree), the bond's word is taken.
    let exists = HostFile.exists(roots.netClass(name))
    let physical = exists ? HostFile.exists(roots.netClass(name) + "/device") : speedMbps != nil
    let speed = speedMbps ?? HostFile.integer(roots.netClass(name) + "/speed")
    let link: Int64? = physical ? speed.flatMap { $0 > 0 ? Int64($0) * 1_000_000 : nil } : nil
    if let limit = qdiscRate(name) {
      return SlaveRate(name: name, bitsPerSecond: min(limit, link ?? limit), source: .qdisc)
    }
    if let link { return SlaveRate(name: name, bitsPerSecond: link, source: .linkSpeed) }
    return SlaveRate(name: name, bitsPerSecond: nil, source: exists ? .virtualLink : .unknown)
  }
}
