import Foundation
import Testing

/// `bondperf inspect` against the real driver's /proc/net/bonding and /sys (issue 13),
/// field by field, in healthy bonds and in real misconfigurations. Lab only.
extension RealBondTests {
  /// Nested in RealBondTests, whose `.serialized` covers it: every RealBond test
  /// shares the lab's namespaces, so none may run beside another.
  @Suite(.serialized)
  struct Inspect {
    typealias Files = RealBondFiles

    static func slaves(_ json: [String: Any]) throws -> [String: [String: Any]] {
      let bond = try #require(json["bond"] as? [String: Any])
      let list = try #require(bond["slaves"] as? [[String: Any]])
      return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "?", $0) })
    }

    static func bond(_ json: [String: Any]) throws -> [String: Any] {
      try #require(json["bond"] as? [String: Any])
    }

    static func warnings(_ json: [String: Any]) throws -> [String] {
      try bond(json)["warnings"] as? [String] ?? []
    }

    static func usable(_ json: [String: Any]) throws -> [String] {
      try #require(try bond(json)["usable_slaves"] as? [String])
    }

    /// Every 802.3ad field inspect reports, against the proc file and sysfs.
    static func check8023ad(
      _ json: [String: Any], _ files: Files, _ actorStates: [String: Int], slaves names: [String]
    ) throws {
      let bond = try bond(json)
      let aggregator = try #require(bond["active_aggregator"] as? [String: Any])
      let sysfsAggregator = try Files.sysfs("/sys/class/net/bond0/bonding/ad_aggregator")
      #expect(aggregator["id"] as? Int == Int(sysfsAggregator))
      #expect(aggregator["id"] as? Int == files.master("Aggregator ID").flatMap { Int($0) })
      #expect(
        aggregator["number_of_ports"] as? Int == files.master("Number of ports").flatMap { Int($0) }
      )
      #expect(aggregator["actor_key"] as? Int == files.master("Actor Key").flatMap { Int($0) })
      #expect(aggregator["partner_key"] as? Int == files.master("Partner Key").flatMap { Int($0) })
      #expect(aggregator["partner_mac"] as? String == files.master("Partner Mac Address"))
      #expect(
        aggregator["partner_mac"] as? String
          == (try Files.sysfs("/sys/class/net/bond0/bonding/ad_partner_mac")))
      #expect(bond["mii_status"] as? String == files.master("MII Status"))
      #expect(bond["lacp_rate"] as? String == files.master("LACP rate"))
      #expect(bond["min_links"] as? Int == files.master("Min links").flatMap { Int($0) })
      #expect(
        (bond["lacp_active"] as? Bool).map { $0 ? "on" : "off" } == files.master("LACP active"))
      let slaves = try Self.slaves(json)
      #expect(slaves.keys.sorted() == names)
      for name in names {
        let slave = try #require(slaves[name])
        #expect(slave["mii_status"] as? String == files.slave(name, "MII Status"), "\(name)")
        #expect(
          slave["link_failure_count"] as? Int == files.slaveInt(name, "Link Failure Count"),
          "\(name)")
        #expect(slave["aggregator_id"] as? Int == files.slaveInt(name, "Aggregator ID"), "\(name)")
        // Port states move under TCG's slow clock between any two readings (CI saw 142
        // against 62); inspect must report them, and the text test names their bits.
        #expect(slave["actor_port_state"] is Int, "\(name)")
        #expect(slave["partner_port_state"] is Int, "\(name)")
        #expect(slave["actor_key"] as? Int == files.slaveInt(name, "port key", actor: true))
        #expect(slave["partner_key"] as? Int == files.slaveInt(name, "oper key", partner: true))
        #expect(
          slave["partner_system_mac"] as? String
            == files.slave(name, "system mac address", partner: true))
        #expect(slave["actor_churn_state"] as? String == files.slave(name, "Actor Churn State"))
        #expect(slave["partner_churn_state"] as? String == files.slave(name, "Partner Churn State"))
        #expect(slave["actor_churned_count"] as? Int == files.slaveInt(name, "Actor Churned Count"))
        #expect(
          slave["partner_churned_count"] as? Int == files.slaveInt(name, "Partner Churned Count"))
      }
    }

    /// 802.3ad with 4 slaves: a healthy aggregator, then a slave down, `min_links` not
    /// met, a slave whose partner is in another LAG (another key), and LACP passive on
    /// both ends; each time every field against the driver's files, and the warning.
    @Test(.timeLimit(.minutes(6)))
    func lacp() async throws {
      try RealBondLab.up(slaves: 4, mode: "802.3ad", rate: "100mbit")
      defer { RealBondLab.down() }
      let names = ["s0", "s1", "s2", "s3"]

      // Healthy: one aggregator with 4 ports, no warnings about slaves.
      var (json, text, files, states) = try Files.stableInspect(slaves: names)
      try Self.check8023ad(json, files, states, slaves: names)
      #expect(try Self.usable(json) == names)
      #expect(try Self.warnings(json).isEmpty, "\((try? Self.warnings(json)) ?? [])")
      #expect(text.contains("actor state 63 (activity, short-timeout, aggregation, sync,"))
      #expect(text.contains("churn "))
      RealBondLab.report("inspect 802.3ad healthy: \(names.count) slaves, fields match the driver")

      // A slave down on this side: MII down, link failure counted, 3 usable.
      try Files.ip(["link", "set", "dev", "s1", "down"])
      files = try Files.wait(seconds: 10) { $0.slave("s1", "MII Status") == "down" }
      (json, text, files, states) = try Files.stableInspect(slaves: names)
      try Self.check8023ad(json, files, states, slaves: names)
      #expect(files.slaveInt("s1", "Link Failure Count") == 1)
      #expect(try Self.usable(json) == ["s0", "s2", "s3"])
      #expect(try Self.warnings(json).contains { $0.hasPrefix("slave s1 is down") })
      #expect(text.contains("s1, MII down"))
      #expect(text.contains("link failures 1"))
      try Files.ip(["link", "set", "dev", "s1", "up"])
      files = try Files.wait(seconds: 20) { $0.master("Number of ports") == "4" }
      try #require(files.master("Number of ports") == "4", "s1 did not rejoin the aggregator")

      // min_links above the ports: the driver drops the bond's carrier.
      try Files.ip(["link", "set", "bond0", "type", "bond", "min_links", "5"])
      files = try Files.wait(seconds: 10) { $0.master("MII Status") == "down" }
      #expect(files.master("MII Status") == "down", "the driver kept the carrier")
      (json, text, files, states) = try Files.stableInspect(slaves: names)
      try Self.check8023ad(json, files, states, slaves: names)
      #expect(try Self.usable(json).isEmpty)
      #expect(try Self.warnings(json).contains { $0.hasPrefix("min_links 5 not met") })
      try Files.ip(["link", "set", "bond0", "type", "bond", "min_links", "0"])

      // The server puts s3 into a LAG of its own with another key: the client's s3 goes
      // to another aggregator.
      let server = RealBondLab.serverNS
      try Files.ip(["link", "set", "dev", "s3", "nomaster"], in: server)
      try Files.ip(
        [
          "link", "add", "bond1", "type", "bond", "mode", "802.3ad", "ad_user_port_key", "5",
          "lacp_rate", "fast", "miimon", "100",
        ], in: server)
      try Files.ip(["link", "set", "bond1", "address", "02:b0:00:00:00:02"], in: server)
      try Files.ip(["link", "set", "dev", "s3", "down"], in: server)
      try Files.ip(["link", "set", "dev", "s3", "master", "bond1"], in: server)
      try Files.ip(["link", "set", "dev", "s3", "up"], in: server)
      try Files.ip(["link", "set", "dev", "bond1", "up"], in: server)
      files = try Files.wait(seconds: 20) {
        $0.slave("s3", "Aggregator ID") != $0.master("Aggregator ID")
          && $0.slave("s3", "oper key", partner: true) != $0.master("Partner Key")
      }
      let otherKey = try #require(files.slaveInt("s3", "oper key", partner: true))
      let aggregatorKey = try #require(files.master("Partner Key"))
      try #require(String(otherKey) != aggregatorKey, "s3's partner key did not change")
      (json, text, files, states) = try Files.stableInspect(slaves: names)
      try Self.check8023ad(json, files, states, slaves: names)
      #expect(try Self.usable(json) == ["s0", "s1", "s2"])
      let keyWarning = try Self.warnings(json).first { $0.hasPrefix("slave s3 is in aggregator") }
      #expect(
        keyWarning?.contains("its partner's key is \(otherKey)") == true,
        "\((try? Self.warnings(json)) ?? [])"
      )
      #expect(text.contains("partner key \(otherKey)"))
      RealBondLab.report(
        "inspect 802.3ad other key: s3 in aggregator \(files.slave("s3", "Aggregator ID") ?? "?"), "
          + "partner key \(otherKey) vs \(aggregatorKey)")
      try Files.ip(["link", "del", "bond1"], in: server)

      // LACP passive on both ends.
      for ns in [RealBondLab.clientNS, server] {
        try Files.ip(["link", "set", "bond0", "down"], in: ns)
        try Files.ip(["link", "set", "bond0", "type", "bond", "lacp_active", "off"], in: ns)
        try Files.ip(["link", "set", "bond0", "up"], in: ns)
      }
      files = try Files.wait(seconds: 20) { files in
        names.allSatisfy { (files.slaveInt($0, "port state", partner: true) ?? 1) & 1 == 0 }
      }
      try await Task.sleep(for: .seconds(4))
      files = try Files.read()
      #expect(files.master("LACP active") == "off")
      (json, text, files, states) = try Files.stableInspect(slaves: names)
      try Self.check8023ad(json, files, states, slaves: names)
      #expect(try Self.bond(json)["lacp_active"] as? Bool == false)
      #expect(
        try Self.warnings(json).contains { $0.hasPrefix("LACP is passive on both ends") },
        "\((try? Self.warnings(json)) ?? [])")
      RealBondLab.report(
        "inspect 802.3ad passive both ends: aggregator \(files.master("Aggregator ID") ?? "none") "
          + "with \(files.master("Number of ports") ?? "0") ports; s0 actor state "
          + "\(files.slave("s0", "port state", actor: true) ?? "?"), partner state "
          + "\(files.slave("s0", "port state", partner: true) ?? "?"); warnings: "
          + (try Self.warnings(json)).joined(separator: " | "))
    }

    /// active-backup: the active slave and each slave's state against the driver, and
    /// after the active slave goes down, the new one and the link failure count.
    @Test(.timeLimit(.minutes(3)))
    func activeBackup() async throws {
      try RealBondLab.up(slaves: 3, mode: "active-backup", rate: "100mbit")
      defer { RealBondLab.down() }
      let names = ["s0", "s1", "s2"]
      for round in 0..<2 {
        let files = try Files.read()
        let active = try #require(files.master("Currently Active Slave"))
        #expect(active == (try Files.sysfs("/sys/class/net/bond0/bonding/active_slave")))
        let (json, text) = try Files.inspect()
        let bond = try Self.bond(json)
        #expect(bond["mode"] as? String == "active-backup")
        #expect(bond["active_slave"] as? String == active)
        #expect(try Self.usable(json) == [active])
        #expect(text.contains("  active slave:      \(active)\n"))
        let slaves = try Self.slaves(json)
        for name in names {
          let slave = try #require(slaves[name])
          #expect(
            slave["state"] as? String
              == (try Files.sysfs("/sys/class/net/\(name)/bonding_slave/state")), "\(name)")
          #expect(slave["mii_status"] as? String == files.slave(name, "MII Status"))
          #expect(
            slave["link_failure_count"] as? Int == files.slaveInt(name, "Link Failure Count"))
        }
        #expect(try Self.warnings(json).contains { $0.hasPrefix("mode active-backup") })
        if round == 0 {
          try Files.ip(["link", "set", "dev", active, "down"])
          let moved = try Files.wait(seconds: 10) { $0.master("Currently Active Slave") != active }
          #expect(moved.slaveInt(active, "Link Failure Count") == 1)
          RealBondLab.report(
            "inspect active-backup: \(active) down -> active "
              + "\(moved.master("Currently Active Slave") ?? "none")")
        }
      }
    }

    /// balance-tlb and balance-alb: tlb_dynamic_lb as sysfs has it, its effect in the
    /// text and warnings, and (tlb) after setting it to 0.
    @Test(.timeLimit(.minutes(4)), arguments: ["balance-tlb", "balance-alb"])
    func tlbDynamicLB(_ mode: String) async throws {
      try RealBondLab.up(slaves: 2, mode: mode, rate: "100mbit")
      defer { RealBondLab.down() }
      let path = "/sys/class/net/bond0/bonding/tlb_dynamic_lb"
      try Self.checkTLB(mode: mode, value: try Files.sysfs(path))
      if mode == "balance-tlb" {
        try Files.ip(["link", "set", "bond0", "down"])
        try Files.ip(["link", "set", "bond0", "type", "bond", "tlb_dynamic_lb", "0"])
        try Files.ip(["link", "set", "bond0", "up"])
        let value = try Files.sysfs(path)
        #expect(value == "0", "tlb_dynamic_lb reads \(value) after setting 0")
        try Self.checkTLB(mode: mode, value: value)
      }
    }

    static func checkTLB(mode: String, value: String) throws {
      let (json, text) = try Files.inspect()
      let bond = try Self.bond(json)
      #expect(bond["mode"] as? String == mode)
      #expect((bond["tlb_dynamic_lb"] as? Bool).map { $0 ? "1" : "0" } == value)
      #expect(try Self.usable(json) == ["s0", "s1"])
      let dynamicWarning = try Self.warnings(json).contains { $0.contains("tlb_dynamic_lb=1") }
      if value == "1" {
        #expect(text.contains("tlb_dynamic_lb:    1 (each flow goes to the least loaded slave"))
        #expect(dynamicWarning)
      } else {
        #expect(text.contains("tlb_dynamic_lb:    0 (flows are spread by xmit_hash_policy"))
        #expect(!dynamicWarning)
      }
      RealBondLab.report("inspect \(mode): tlb_dynamic_lb \(value) shown and explained")
    }
  }
}
