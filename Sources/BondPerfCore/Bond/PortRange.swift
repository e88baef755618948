/// A range of TCP/UDP source ports, inclusive.
public struct PortRange: Hashable, Sendable, Codable, CustomStringConvertible {
  public var lower: UInt16
  public var upper: UInt16

  public init?(lower: UInt16, upper: UInt16) {
    guard lower > 0, lower <= upper else { return nil }
    self.lower = lower
    self.upper = upper
  }

  /// Parses `LOW-HIGH` (or a single port).
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count),
      let lower = UInt16(parts[0].trimmingSpaces),
      let upper = UInt16(parts.last.map { $0.trimmingSpaces } ?? "")
    else { return nil }
    self.init(lower: lower, upper: upper)
  }

  public var count: Int { Int(upper) - Int(lower) + 1 }

  public func contains(_ port: UInt16) -> Bool { port >= lower && port <= upper }

  public var description: String { "\(lower)-\(upper)" }

  /// Linux's default `net.ipv4.ip_local_port_range`.
  public static let linuxDefaultEphemeral = PortRange(unchecked: 32768, 60999)

  private init(unchecked lower: UInt16, _ upper: UInt16) {
    self.lower = lower
    self.upper = upper
  }

  /// The default range for planned source ports: outside the kernel's
  /// ephemeral range, so planned ports don't meet ports the kernel hands to
  /// other connections. Prefers the ports above the ephemeral range, then the
  /// ports below it (from 10000 up, clear of well-known services), when
  /// either holds at least 1024 ports; otherwise 1024-65535.
  public static func defaultPlanningRange(avoiding ephemeral: PortRange) -> PortRange {
    if ephemeral.upper <= 65535 - 1024 {
      return PortRange(unchecked: ephemeral.upper + 1, 65535)
    }
    if ephemeral.lower > 10000 + 1024 {
      return PortRange(unchecked: 10000, ephemeral.lower - 1)
    }
    if ephemeral.lower > 1024 + 1024 {
      return PortRange(unchecked: 1024, ephemeral.lower - 1)
    }
    return PortRange(unchecked: 1024, 65535)
  }
}

extension Substring {
  fileprivate var trimmingSpaces: Substring {
    var text = self
    while text.first == " " { text = text.dropFirst() }
    while text.last == " " { text = text.dropLast() }
    return text
  }
}
