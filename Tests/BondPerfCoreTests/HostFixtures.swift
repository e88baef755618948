import Foundation
import Testing

@testable import BondPerfCore

/// Locates the fixture host trees copied into the test bundle.
enum HostFixtures {
  /// The fixture folder names, one per emulated host.
  static let lacp = "lacp-two-aggregators"
  static let xor = "xor-layer2-3"
  static let roundRobin = "rr-two-slaves"
  static let activeBackup = "active-backup"

  /// The roots of fixture `name` (a folder of `Fixtures/` holding `sys/` and `proc/`).
  static func roots(_ name: String) throws -> HostRoots {
    let resources = try #require(Bundle.module.resourceURL)
    let dir = resources.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    return HostRoots(sysfsRoot: dir + "/sys", procfsRoot: dir + "/proc")
  }
}
