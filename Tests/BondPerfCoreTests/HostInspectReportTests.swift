import Foundation
import Testing

@testable import BondPerfCore

struct HostInspectReportTests {
  @Test func textHasTheKeyLines() throws {
    let report = try InspectReport.make(bond: "bond0", roots: HostFixtures.roots(HostFixtures.lacp))
    let text = report.text
    #expect(text.hasPrefix("bond0: mode 802.3ad (4), xmit_hash_policy layer3+4\n"))
    #expect(text.contains("  kernel:            6.8.0-45-generic\n"))
    #expect(text.contains("  bond MAC:          52:54:00:a1:00:01, MII up, miimon 100 ms\n"))
    #expect(
      text.contains("  LACP rate:         fast, ad_select stable, lacp_active on, min_links 0\n"))
    #expect(
      text.contains(
        "  active aggregator: id 1, 2 ports, actor key 15, partner key 32801, "
          + "partner MAC 00:1c:73:0a:0b:0c\n"))
    #expect(text.contains("  usable slaves:     eth0, eth1 (20.0 Gbits/sec)\n"))
    #expect(
      text.contains(
        "    eth2, MII up, 10000 Mbps, full, aggregator 2, partner 00:00:00:00:00:00, key 15, "
          + "partner key 1, actor state 71 (activity, short-timeout, aggregation, defaulted), "
          + "partner state 1 (activity), churn churned/churned (churned 1/1), backup, "
          + "perm 52:54:00:a1:00:03, link failures 0\n"))
    #expect(
      text.contains(
        "(no partner answered LACP on this link (defaulted): is the other end in a LAG?)"))
    #expect(text.contains("    eth3, MII down, speed unknown, duplex unknown, aggregator 1"))
    #expect(text.contains("    - slave eth2 is in aggregator 2, not the active aggregator 1"))
    #expect(text.contains("  TCP tuning (BDP 2.38 MiB = 20.0 Gbits/sec × RTT 1 ms):\n"))
    #expect(text.contains("    [ok] tcp_rmem max 6.00 MiB ≥ BDP 2.38 MiB: ok\n"))
    #expect(text.contains("    [ok] tcp_wmem max 4.00 MiB ≥ BDP 2.38 MiB: ok\n"))
    #expect(text.contains("    [info] rmem_max 208 KiB < BDP 2.38 MiB"))
  }

  @Test func rttChangesTheBDP() throws {
    let report = try InspectReport.make(
      bond: "bond0", roots: HostFixtures.roots(HostFixtures.activeBackup), rttSeconds: 0.01)
    #expect(report.bandwidthDelayProductBytes == 1_250_000)
    #expect(report.text.contains("usable slaves:     eth1 (1.00 Gbits/sec)"))
    #expect(report.text.contains("active slave:      eth1"))
    #expect(report.text.contains("RTT 10 ms"))
  }

  @Test func jsonHasSortedSnakeCaseKeys() throws {
    let report = try InspectReport.make(bond: "bond1", roots: HostFixtures.roots(HostFixtures.xor))
    let json = try report.json()
    #expect(json.contains("\"usable_slaves\" : [\n      \"enp3s0f0\",\n      \"enp3s0f1\"\n    ]"))
    #expect(json.contains("\"hash_policy\" : \"layer2+3\""))
    #expect(json.contains("\"usable_bits_per_second\" : 2000000000"))
    #expect(json.contains("\"tuning_findings\""))
    #expect(json.contains("\"kernel_release\" : \"6.8.0-45-generic\""))
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let decoded = try decoder.decode(InspectReport.self, from: Data(json.utf8))
    #expect(decoded == report)
  }

  @Test func jsonRoundTripsAcronymKeys() throws {
    let report = try InspectReport.make(bond: "bond0", roots: HostFixtures.roots(HostFixtures.lacp))
    let json = try report.json()
    #expect(json.contains("\"aggregator_id\" : 2"))
    #expect(json.contains("\"partner_system_mac\" : \"00:1c:73:0a:0b:0c\""))
    #expect(json.contains("\"tlb_dynamic_lb\" : true"))
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    #expect(try decoder.decode(InspectReport.self, from: Data(json.utf8)) == report)
  }
}
