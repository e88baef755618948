/// An address prefix such as `198.18.0.0/15` or `2001:2::/48`, as `--allow` takes.
///
/// An IPv4 network also matches the IPv4-mapped IPv6 form of its addresses
/// (`::ffff:198.18.0.1`), which is how a dual-stack listener sees IPv4 peers.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
  /// The network's first address (host bits cleared).
  public let address: IPAddress
  /// The prefix length: 0-32 for IPv4, 0-128 for IPv6.
  public let prefixLength: Int

  /// Parses `ADDRESS/LENGTH`, or a bare address (a single host).
  ///
  /// Host bits set in the address are cleared, as `ip route` does.
  public init?(_ text: some StringProtocol) {
    let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard let address = IPAddress(parts[0]) else { return nil }
    let maximum = address.bytes.count * 8
    var length = maximum
    if parts.count == 2 {
      guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII),
        (0...maximum).contains(parsed)
      else { return nil }
      length = parsed
    }
    self.init(address: address, prefixLength: length)
  }

  /// The network of `prefixLength` bits around `address`; the length is clamped.
  public init(address: IPAddress, prefixLength: Int) {
    let length = min(max(prefixLength, 0), address.bytes.count * 8)
    self.prefixLength = length
    self.address = IPAddress(bytes: IPNetwork.masked(address.bytes, length)) ?? address
  }

  /// Whether `candidate` lies in this network (IPv4-mapped IPv6 counts as IPv4).
  public func contains(_ candidate: IPAddress) -> Bool {
    var candidate = candidate
    if address.isIPv4, let unmapped = candidate.unmappedIPv4 { candidate = unmapped }
    guard candidate.bytes.count == address.bytes.count else { return false }
    return IPNetwork.masked(candidate.bytes, prefixLength) == address.bytes
  }

  public var description: String { "\(address)/\(prefixLength)" }

  private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
    bytes.enumerated().map { index, byte in
      let bits = min(max(length - index * 8, 0), 8)
      return bits == 8 ? byte : byte & ~(UInt8(0xff) >> bits)
    }
  }
}
