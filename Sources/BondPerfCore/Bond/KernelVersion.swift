/// A Linux kernel release, reduced to what changes the bonding hash.
public struct KernelVersion: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// Parses `6.1`, `6.1.192` or a full `uname -r` string such as `6.18.44-fc-v657`.
  public init?(_ text: String) {
    let numbers = text.split(whereSeparator: { !$0.isNumber && $0 != "." })
    guard let first = numbers.first else { return nil }
    let parts = first.split(separator: ".")
    guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]),
      text.first?.isNumber == true
    else { return nil }
    self.init(major: major, minor: minor)
  }

  public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }

  public var description: String { "\(major).\(minor)" }

  /// Which IP policies end with `hash >> 1` (commits b5f862180d70 and 49aefd131739).
  public enum ShiftVariant: String, Sendable, Codable {
    /// Before ≈4.15: no shift at all.
    case none
    /// ≈4.15 to 5.17: every policy that reaches the IP fold shifts.
    case allIPPolicies = "all_ip_policies"
    /// 5.18 and later: only layer3+4 and encap3+4 shift.
    case layer34Only = "layer3+4_only"
  }

  /// How the ethertype enters `bond_eth_hash` (commit 9e2ee5c7e7c3, v5.15).
  public enum EthertypeVariant: String, Sendable, Codable {
    /// Before 5.15: the big-endian field read as a host u16 (0x0008 for IPv4 on LE).
    case raw
    /// 5.15 and later: the ethertype as its number (0x0800).
    case numeric
  }

  public var shiftVariant: ShiftVariant {
    if self < KernelVersion(major: 4, minor: 15) { return .none }
    if self < KernelVersion(major: 5, minor: 18) { return .allIPPolicies }
    return .layer34Only
  }

  public var ethertypeVariant: EthertypeVariant {
    self < KernelVersion(major: 5, minor: 15) ? .raw : .numeric
  }

  /// Whether ICMP echo ids are hashed like ports (58deb77cc52d, v5.5).
  public var hashesICMPEchoID: Bool { self >= KernelVersion(major: 5, minor: 5) }
}
