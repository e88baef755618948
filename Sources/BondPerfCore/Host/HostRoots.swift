/// Where the host's sysfs and procfs are mounted.
///
/// Every reader in `Host/` takes a `HostRoots`, so tests can point it at a
/// fixture tree that mirrors `/sys` and `/proc`.
public struct HostRoots: Hashable, Sendable, Codable {
  /// The sysfs mount point, normally `/sys`.
  public var sysfsRoot: String
  /// The procfs mount point, normally `/proc`.
  public var procfsRoot: String

  /// Creates roots; the defaults are the live kernel's.
  public init(sysfsRoot: String = "/sys", procfsRoot: String = "/proc") {
    self.sysfsRoot = sysfsRoot
    self.procfsRoot = procfsRoot
  }

  /// The live host: `/sys` and `/proc`.
  public static let live = HostRoots()

  /// A path below the sysfs root, e.g. `sysfs("class/net/bond0")`.
  public func sysfs(_ relative: String) -> String { join(sysfsRoot, relative) }

  /// A path below the procfs root, e.g. `procfs("net/bonding/bond0")`.
  public func procfs(_ relative: String) -> String { join(procfsRoot, relative) }

  /// The sysfs directory of a network interface, `<sysfs>/class/net/<name>`.
  public func netClass(_ interface: String) -> String { sysfs("class/net/\(interface)") }

  private func join(_ root: String, _ relative: String) -> String {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    return base + "/" + relative
  }
}
