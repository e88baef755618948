import Foundation

/// Finds the interface a local address lives on, and the bond beneath it.
public enum EgressInterface {
  /// One address assigned to an interface (what `getifaddrs` returns).
  public struct InterfaceAddress: Hashable, Sendable, Codable {
    /// The interface name.
    public var name: String
    /// One of its addresses.
    public var address: IPAddress

    /// Creates a pair.
    public init(name: String, address: IPAddress) {
      self.name = name
      self.address = address
    }
  }

  /// The interface holding `localAddress`, or `nil` if none does.
  ///
  /// IPv4-mapped IPv6 addresses match their IPv4 form. If several
  /// interfaces hold the address, the first in `interfaces` wins.
  public static func interface(
    for localAddress: IPAddress, in interfaces: [InterfaceAddress]
  ) -> String? {
    let wanted = localAddress.unmappedIPv4 ?? localAddress
    return interfaces.first { ($0.address.unmappedIPv4 ?? $0.address) == wanted }?.name
  }

  /// Whether `name` is a bond (`<sysfs>/class/net/<name>/bonding` exists).
  public static func isBond(_ name: String, roots: HostRoots = .live) -> Bool {
    BondInfo.isBond(name, roots: roots)
  }

  /// Whether this host has an interface `name` (`<sysfs>/class/net/<name>`).
  public static func exists(_ name: String, roots: HostRoots = .live) -> Bool {
    HostFile.exists(roots.netClass(name))
  }

  /// `name`'s MAC address (`<sysfs>/class/net/<name>/address`); nil when
  /// unreadable or all zeros.
  public static func macAddress(of name: String, roots: HostRoots = .live) -> MACAddress? {
    HostFile.nonEmptyValue(roots.netClass(name) + "/address").flatMap { MACAddress($0) }
      .flatMap { $0 == .zero ? nil : $0 }
  }

  /// Parses `/proc/net/vlan/config` into VLAN device → underlying device.
  ///
  /// The file has two header lines, then `name | vid | device` lines.
  public static func parseVLANConfig(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 3, Int(parts[1]) != nil else { continue }
      result[parts[0]] = parts[2]
    }
    return result
  }

  /// The bond that carries `name`'s traffic, if that is simple to tell.
  ///
  /// - `name` is a bond: itself.
  /// - a VLAN (listed in `<procfs>/net/vlan/config`): the bond under it.
  /// - a bridge (`<sysfs>/class/net/<name>/brif/`): the bond if exactly one
  ///   port resolves to a bond.
  /// - a bond slave: its master (read from the `master` link).
  ///
  /// Returns `nil` otherwise. Follows at most four levels.
  public static func underlyingBond(of name: String, roots: HostRoots = .live) -> String? {
    let vlans = HostFile.value(roots.procfs("net/vlan/config")).map(parseVLANConfig) ?? [:]
    return resolve(name, roots: roots, vlans: vlans, depth: 0)
  }

  private static func resolve(
    _ name: String, roots: HostRoots, vlans: [String: String], depth: Int
  ) -> String? {
    guard depth < 4 else { return nil }
    if isBond(name, roots: roots) { return name }
    if let lower = vlans[name] {
      return resolve(lower, roots: roots, vlans: vlans, depth: depth + 1)
    }
    let dir = roots.netClass(name)
    if HostFile.exists(dir + "/brif") {
      let bonds = Set(
        HostFile.list(dir + "/brif").compactMap {
          resolve($0, roots: roots, vlans: vlans, depth: depth + 1)
        })
      return bonds.count == 1 ? bonds.first : nil
    }
    if HostFile.exists(dir + "/bonding_slave"),
      let master = HostFile.linkTargetName(dir + "/master"),
      isBond(master, roots: roots)
    {
      return master
    }
    return nil
  }
}
