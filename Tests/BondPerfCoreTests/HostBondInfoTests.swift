import Foundation
import Testing

@testable import BondPerfCore

struct HostBondInfoTests {
  @Test func lacpUsesOnlyUpPortsOfTheActiveAggregator() throws {
    let bond = try BondInfo.read(bond: "bond0", roots: HostFixtures.roots(HostFixtures.lacp))
    #expect(bond.mode == .ieee8023ad)
    #expect(bond.hashPolicy == .layer3_4)
    #expect(bond.slaves.map(\.name) == ["eth0", "eth1", "eth2", "eth3"])
    #expect(bond.usableSlaves == ["eth0", "eth1"])
    #expect(bond.lacpRate == .fast)
    #expect(bond.adSelect == "stable")
    #expect(bond.miimon == 100)
    #expect(bond.macAddress == MACAddress("52:54:00:a1:00:01"))
    #expect(
      bond.activeAggregator
        == ActiveAggregator(
          id: 1, numberOfPorts: 2, actorKey: 15, partnerKey: 32801,
          partnerMAC: MACAddress("00:1c:73:0a:0b:0c")))
    #expect(bond.slaves.map(\.aggregatorID) == [1, 1, 2, 1])
    #expect(bond.slaves.map(\.miiStatus) == [.up, .up, .up, .down])
    #expect(bond.slaves.map(\.speedMbps) == [10000, 10000, 10000, nil])
    #expect(bond.slaves[3].duplex == nil)
    #expect(bond.slaves[1].linkFailureCount == 1)
    #expect(bond.slaves[2].actorChurnState == "churned")
    #expect(bond.slaves[0].partnerSystemMAC == MACAddress("00:1c:73:0a:0b:0c"))
    #expect(bond.slaves[0].permanentAddress == MACAddress("52:54:00:a1:00:01"))
    #expect(bond.usableBitsPerSecond == 20_000_000_000)
  }

  @Test func lacpWarnsAboutTheOtherAggregatorAndTheDownSlave() throws {
    let bond = try BondInfo.read(bond: "bond0", roots: HostFixtures.roots(HostFixtures.lacp))
    #expect(bond.warnings.contains { $0.hasPrefix("slave eth3 is down") })
    #expect(
      bond.warnings.contains {
        $0.hasPrefix("slave eth2 is in aggregator 2, not the active aggregator 1")
      })
    #expect(!bond.warnings.contains { $0.contains("eth0") || $0.contains("eth1") })
    #expect(!bond.warnings.contains { $0.contains("xmit_hash_policy") })
  }

  @Test func lacpFromProcOnlyGivesTheSameUsableSlaves() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    let text = try String(contentsOfFile: roots.procfs("net/bonding/bond0"), encoding: .utf8)
    let proc = BondProcFile(parsing: text)
    #expect(proc.driverVersion == "Ethernet Channel Bonding Driver: v6.8.0-45-generic")
    #expect(proc.master["Bonding Mode"] == "IEEE 802.3ad Dynamic link aggregation")
    #expect(proc.master["LACP rate"] == "fast")
    #expect(proc.activeAggregator["Aggregator ID"] == "1")
    #expect(proc.activeAggregator["Partner Mac Address"] == "00:1c:73:0a:0b:0c")
    #expect(proc.slaves.map(\.name) == ["eth0", "eth1", "eth2", "eth3"])
    #expect(proc.slaves[3].fields["MII Status"] == "down")
    #expect(proc.slaves[3].fields["Speed"] == "Unknown")
    #expect(proc.slaves[0].actorDetails["port state"] == "63")
    #expect(proc.slaves[2].partnerDetails["system mac address"] == "00:00:00:00:00:00")
  }

  @Test func xorLayer23HasBothSlavesAndWarnsThatPortsCantSteer() throws {
    let bond = try BondInfo.read(bond: "bond1", roots: HostFixtures.roots(HostFixtures.xor))
    #expect(bond.mode == .balanceXOR)
    #expect(bond.hashPolicy == .layer2_3)
    #expect(bond.usableSlaves == ["enp3s0f0", "enp3s0f1"])
    #expect(bond.activeAggregator == nil)
    #expect(bond.lacpRate == nil)
    #expect(bond.warnings.contains { $0.contains("layer2+3 ignores TCP ports") })
  }

  @Test func roundRobinHasNoPolicyAndBothSlaves() throws {
    let bond = try BondInfo.read(bond: "bond0", roots: HostFixtures.roots(HostFixtures.roundRobin))
    #expect(bond.mode == .balanceRR)
    #expect(bond.hashPolicy == nil)
    #expect(bond.usableSlaves == ["eth0", "eth1"])
    #expect(bond.warnings.contains { $0.hasPrefix("mode balance-rr") })
  }

  @Test func activeBackupUsesOnlyTheActiveSlave() throws {
    let bond = try BondInfo.read(
      bond: "bond0", roots: HostFixtures.roots(HostFixtures.activeBackup))
    #expect(bond.mode == .activeBackup)
    #expect(bond.hashPolicy == nil)
    #expect(bond.activeSlave == "eth1")
    #expect(bond.usableSlaves == ["eth1"])
    #expect(bond.slaves.map(\.state) == ["backup", "active"])
    #expect(bond.warnings.contains { $0.contains("only one slave") })
    #expect(bond.usableBitsPerSecond == 1_000_000_000)
  }

  @Test func tlbWithDynamicLoadBalancingCantBePinned() {
    let slaves = [SlaveInfo(name: "a", miiStatus: .up), SlaveInfo(name: "b", miiStatus: .up)]
    let dynamic = BondInfo(
      name: "bond9", mode: .balanceTLB, hashPolicy: .layer3_4, tlbDynamicLB: true, slaves: slaves)
    #expect(dynamic.usableSlaves == ["a", "b"])
    #expect(dynamic.warnings.contains { $0.contains("pinning streams to slaves is impossible") })
    let fixed = BondInfo(
      name: "bond9", mode: .balanceALB, hashPolicy: .layer3_4, tlbDynamicLB: false, slaves: slaves)
    #expect(fixed.warnings.isEmpty)
  }

  @Test func encap34WarnsThatPinningIsImpossible() {
    let slaves = [SlaveInfo(name: "a", miiStatus: .up), SlaveInfo(name: "b", miiStatus: .up)]
    let bond = BondInfo(name: "bond9", mode: .balanceXOR, hashPolicy: .encap3_4, slaves: slaves)
    #expect(bond.warnings.contains { $0.contains("encap3+4") && $0.contains("impossible") })
  }

  @Test func lacpPortThatIsNotDistributingIsNotUsable() {
    let slaves = [
      SlaveInfo(name: "a", miiStatus: .up, aggregatorID: 1, actorPortState: 0x3d),
      SlaveInfo(name: "b", miiStatus: .up, aggregatorID: 1, actorPortState: 0x0d),
      SlaveInfo(name: "c", miiStatus: .up, aggregatorID: 1),
    ]
    let bond = BondInfo(
      name: "bond9", mode: .ieee8023ad, hashPolicy: .layer3_4,
      activeAggregator: ActiveAggregator(id: 1), slaves: slaves)
    #expect(bond.usableSlaves == ["a", "c"])
    #expect(
      bond.warnings.contains {
        $0.hasPrefix("slave b is in the active aggregator but not distributing")
      })
  }

  @Test func lacpWithoutActiveAggregatorHasNoUsableSlaves() {
    let bond = BondInfo(
      name: "bond9", mode: .ieee8023ad, hashPolicy: .layer3_4,
      slaves: [SlaveInfo(name: "a", miiStatus: .up, aggregatorID: 1)])
    #expect(bond.usableSlaves.isEmpty)
    #expect(bond.warnings.contains("bond bond9 has no active aggregator: nothing is transmitted"))
  }

  @Test func lacpBelowMinLinksHasNoUsableSlavesAndSaysWhy() {
    let ports = ["a", "b"].map {
      SlaveInfo(name: $0, miiStatus: .up, aggregatorID: 1, actorPortState: 63)
    }
    let bond = BondInfo(
      name: "bond9", mode: .ieee8023ad, hashPolicy: .layer3_4, minLinks: 3,
      activeAggregator: ActiveAggregator(id: 1, numberOfPorts: 2), slaves: ports)
    #expect(bond.usableSlaves.isEmpty)
    #expect(
      bond.warnings.contains { $0.hasPrefix("min_links 3 not met: the active aggregator has 2") })
    let met = BondInfo(
      name: "bond9", mode: .ieee8023ad, hashPolicy: .layer3_4, minLinks: 2,
      activeAggregator: ActiveAggregator(id: 1, numberOfPorts: 2), slaves: ports)
    #expect(met.usableSlaves == ["a", "b"])
    #expect(!met.warnings.contains { $0.hasPrefix("min_links") })
  }

  @Test func lacpPassiveOnBothEndsAndAnotherKeyAreNamed() {
    let bond = BondInfo(
      name: "bond9", mode: .ieee8023ad, hashPolicy: .layer3_4, lacpActive: false,
      activeAggregator: ActiveAggregator(id: 1, partnerKey: 15),
      slaves: [
        SlaveInfo(
          name: "a", miiStatus: .up, aggregatorID: 1, actorPortState: 62, partnerPortState: 62,
          partnerKey: 15),
        SlaveInfo(
          name: "b", miiStatus: .up, aggregatorID: 2, actorPortState: 6, partnerPortState: 14,
          partnerKey: 335),
      ])
    #expect(bond.usableSlaves == ["a"])
    #expect(bond.warnings.contains { $0.hasPrefix("LACP is passive on both ends") })
    #expect(bond.warnings.contains { $0.contains("its partner's key is 335") })
    var active = bond
    active.lacpActive = true
    #expect(!active.computeWarnings().contains { $0.hasPrefix("LACP is passive") })
  }

  @Test func bondChangeNamesTheFailedSlaveAndTheUsableOnes() throws {
    let slaves = ["s0", "s1"].map { SlaveInfo(name: $0, miiStatus: .up) }
    let before = BondInfo(name: "bond0", mode: .balanceXOR, hashPolicy: .layer3_4, slaves: slaves)
    #expect(BondChange(before: before, after: before) == nil)
    var downed = slaves
    downed[1] = SlaveInfo(name: "s1", miiStatus: .down, linkFailureCount: 1)
    let after = BondInfo(name: "bond0", mode: .balanceXOR, hashPolicy: .layer3_4, slaves: downed)
    let change = try #require(BondChange(before: before, after: after))
    #expect(change.usableBefore == ["s0", "s1"])
    #expect(change.usableAfter == ["s0"])
    #expect(change.failures.map(\.name) == ["s1"])
    #expect(
      change.lines.first == "bond changed during the test: slave s1 is down (link failures 0 → 1)")
  }

  @Test func listsBondsAndPicksTheOnlyOne() throws {
    let roots = try HostFixtures.roots(HostFixtures.xor)
    #expect(BondInfo.listBonds(roots: roots) == ["bond1"])
    #expect(try BondInfo.defaultBond(roots: roots) == "bond1")
    #expect(BondInfo.isBond("bond1", roots: roots))
    #expect(!BondInfo.isBond("enp3s0f0", roots: roots))
  }

  @Test func missingBondNamesTheKnownOnes() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    let error = try #require(throws: HostError.self) {
      try BondInfo.read(bond: "bond7", roots: roots)
    }
    let expected =
      "no bond named bond7 (no \(roots.sysfsRoot)/class/net/bond7/bonding); known bonds: bond0"
    #expect(error.description == expected)
  }

  @Test func errorDescriptionsAreOneLiners() {
    #expect(
      HostError.noSuchBond(name: "bond7", path: "/sys/class/net/bond7/bonding", known: ["bond0"])
        .description
        == "no bond named bond7 (no /sys/class/net/bond7/bonding); known bonds: bond0")
    #expect(
      HostError.unreadable(path: "/proc/net/bonding/bond0", reason: "permission denied").description
        == "cannot read /proc/net/bonding/bond0: permission denied")
    #expect(
      HostError.ambiguousBond(known: ["bond0", "bond1"]).description
        == "several bonds exist (bond0, bond1); name one")
  }

  @Test func unreadableFileReportsTheReason() {
    let error = #expect(throws: HostError.self) {
      _ = try HostFile.read("/nonexistent/bondperf/file")
    }
    #expect(error == .unreadable(path: "/nonexistent/bondperf/file", reason: "no such file"))
  }

  @Test func missingBondingMastersMeansNoBonds() {
    let roots = HostRoots(sysfsRoot: "/nonexistent", procfsRoot: "/nonexistent")
    #expect(BondInfo.listBonds(roots: roots).isEmpty)
    #expect(throws: HostError.noBonds) { try BondInfo.defaultBond(roots: roots) }
  }

  @Test func encodesWithSnakeCaseKeys() throws {
    let bond = try BondInfo.read(bond: "bond0", roots: HostFixtures.roots(HostFixtures.lacp))
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys]
    let json = String(decoding: try encoder.encode(bond), as: UTF8.self)
    #expect(json.contains("\"usable_slaves\":[\"eth0\",\"eth1\"]"))
    #expect(json.contains("\"tlb_dynamic_lb\":true"))
    #expect(json.contains("\"hash_policy\":\"layer3+4\""))
    #expect(json.contains("\"partner_mac\":\"00:1c:73:0a:0b:0c\""))
  }
}

/// The `Bonding Mode:` wording of `/proc/net/bonding/<bond>` (`bond_mode_name()`).
struct HostProcModeWordingTests {
  @Test(
    arguments: [
      ("load balancing (round-robin)", BondMode.balanceRR),
      ("fault-tolerance (active-backup)", .activeBackup),
      ("load balancing (xor)", .balanceXOR),
      ("fault-tolerance (broadcast)", .broadcast),
      ("IEEE 802.3ad Dynamic link aggregation", .ieee8023ad),
      ("transmit load balancing", .balanceTLB),
      ("adaptive load balancing", .balanceALB),
    ] as [(String, BondMode)])
  func parsesProcWording(text: String, mode: BondMode) {
    #expect(BondMode(sysfs: text) == mode)
  }
}
