import ArgumentParser
import BondPerfCore
import Foundation
import Testing

@testable import bondperf

struct InspectCommandTests {
  /// The LACP fixture tree, found next to this file (the CLI tests have no bundle of their own).
  static let fixture = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("BondPerfCoreTests/Fixtures/lacp-two-aggregators").path

  @Test func parsesOptionsAndRendersText() throws {
    let command = try Bondperf.Inspect.parse([
      "--sysfs-root", Self.fixture + "/sys", "--procfs-root", Self.fixture + "/proc", "--rtt", "2",
    ])
    #expect(command.bond == nil)
    #expect(command.rtt == 2)
    #expect(!command.json)
    let text = try command.render()
    #expect(text.hasPrefix("bond0: mode 802.3ad (4), xmit_hash_policy layer3+4\n"))
    #expect(text.contains("usable slaves:     eth0, eth1"))
    #expect(text.contains("RTT 2 ms"))
  }

  @Test func rendersJSON() throws {
    let command = try Bondperf.Inspect.parse([
      "bond0", "--json", "--sysfs-root", Self.fixture + "/sys", "--procfs-root",
      Self.fixture + "/proc",
    ])
    let json = try command.render()
    #expect(json.hasPrefix("{\n"))
    #expect(json.contains("\"usable_slaves\""))
  }

  @Test func unknownBondIsAOneLineError() throws {
    let command = try Bondperf.Inspect.parse([
      "bond7", "--sysfs-root", Self.fixture + "/sys", "--procfs-root", Self.fixture + "/proc",
    ])
    let error = try #require(throws: (any Error).self) { try command.render() }
    #expect(
      Bondperf.Inspect.message(for: error)
        == "no bond named bond7 (no \(Self.fixture)/sys/class/net/bond7/bonding); known bonds: bond0"
    )
  }

  /// Issue 18, item 7: `inspect --json` reports its errors as JSON.
  @Test func jsonErrorsAreJSON() throws {
    let command = try Bondperf.Inspect.parse([
      "bond7", "--json", "--sysfs-root", Self.fixture + "/sys", "--procfs-root",
      Self.fixture + "/proc",
    ])
    let error = try #require(throws: (any Error).self) { try command.render() }
    let document = try command.errorDocument(error)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: String])
    #expect(object.keys.sorted() == ["error"])
    #expect(object["error"]?.hasPrefix("no bond named bond7") == true, "\(document)")
  }

  @Test func rejectsNonPositiveRTT() throws {
    let error = try #require(throws: (any Error).self) {
      try Bondperf.Inspect.parse(["--rtt", "0"])
    }
    #expect(
      Bondperf.Inspect.message(for: error)
        == "--rtt must be a positive number of milliseconds, got 0.0.")
  }

  @Test func isRegisteredAsASubcommand() {
    #expect(Bondperf.configuration.subcommands.contains { $0 == Bondperf.Inspect.self })
  }
}
