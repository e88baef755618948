import Testing

@testable import BondPerfCore

struct HostNeighborTests {
  @Test func readsARPTableFromProc() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    let entries = try NeighborTable.readARP(roots: roots)
    #expect(entries.count == 4)
    #expect(entries[0].address == IPAddress("10.0.0.2"))
    #expect(entries[0].interface == "bond0")
    #expect(entries[0].state == "complete")
    #expect(entries[2].mac == nil)
    #expect(entries[2].state == "incomplete")
    #expect(entries[3].state == "permanent")
    let peer = try NeighborTable.macAddress(ofIPv4: #require(IPAddress("10.0.0.2")), roots: roots)
    #expect(peer == MACAddress("52:54:00:b2:00:01"))
    let unresolved = try NeighborTable.macAddress(
      ofIPv4: #require(IPAddress("10.0.0.9")), roots: roots)
    #expect(unresolved == nil)
    let wrongInterface = try NeighborTable.macAddress(
      ofIPv4: #require(IPAddress("10.0.0.2")), interface: "eth0", roots: roots)
    #expect(wrongInterface == nil)
  }

  @Test func parsesIPNeighOutput() throws {
    let text = """
      fe80::1 dev bond0 lladdr 00:1c:73:0a:0b:0c router REACHABLE
      2001:db8::2 dev bond0 lladdr 52:54:00:b2:00:01 STALE
      2001:db8::3 dev bond0 FAILED
      2001:db8::4 dev bond0 lladdr 52:54:00:b2:00:04 PROBE
      2001:db8::5 dev eth0  INCOMPLETE
      """
    let entries = NeighborTable.parseIPNeigh(text)
    #expect(entries.count == 5)
    #expect(entries[0].isRouter)
    #expect(entries[0].state == "REACHABLE")
    #expect(entries[0].mac == MACAddress("00:1c:73:0a:0b:0c"))
    #expect(entries[1].state == "STALE")
    #expect(entries[2].mac == nil)
    #expect(entries[4].interface == "eth0")
    let mac = NeighborTable.macAddress(of: try #require(IPAddress("2001:db8::2")), inIPNeigh: text)
    #expect(mac == MACAddress("52:54:00:b2:00:01"))
    #expect(
      NeighborTable.macAddress(of: try #require(IPAddress("2001:db8::3")), inIPNeigh: text) == nil)
  }

  @Test func readsKernelRelease() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    #expect(try KernelRelease.read(roots: roots) == "6.8.0-45-generic")
    #expect(try KernelRelease.version(roots: roots) == KernelVersion(major: 6, minor: 8))
  }

  @Test func findsTheInterfaceOfALocalAddress() throws {
    let pairs = [
      EgressInterface.InterfaceAddress(name: "lo", address: try #require(IPAddress("127.0.0.1"))),
      EgressInterface.InterfaceAddress(name: "bond0", address: try #require(IPAddress("10.0.0.1"))),
      EgressInterface.InterfaceAddress(
        name: "bond0", address: try #require(IPAddress("2001:db8::1"))),
    ]
    #expect(
      EgressInterface.interface(for: try #require(IPAddress("10.0.0.1")), in: pairs) == "bond0")
    #expect(
      EgressInterface.interface(for: try #require(IPAddress("::ffff:10.0.0.1")), in: pairs)
        == "bond0")
    #expect(
      EgressInterface.interface(for: try #require(IPAddress("2001:db8::1")), in: pairs) == "bond0")
    #expect(EgressInterface.interface(for: try #require(IPAddress("10.9.9.9")), in: pairs) == nil)
  }

  @Test func resolvesVLANsAndBridgesToTheBond() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    #expect(EgressInterface.isBond("bond0", roots: roots))
    #expect(!EgressInterface.isBond("eth0", roots: roots))
    #expect(EgressInterface.underlyingBond(of: "bond0", roots: roots) == "bond0")
    #expect(EgressInterface.underlyingBond(of: "bond0.100", roots: roots) == "bond0")
    #expect(EgressInterface.underlyingBond(of: "br0", roots: roots) == "bond0")
    #expect(EgressInterface.underlyingBond(of: "enp1s0", roots: roots) == nil)
  }

  @Test func parsesVLANConfig() {
    let text = """
      VLAN Dev name\t | VLAN ID
      Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD
      bond0.100      | 100  | bond0
      vlan200        | 200  | bond1
      """
    #expect(EgressInterface.parseVLANConfig(text) == ["bond0.100": "bond0", "vlan200": "bond1"])
  }
}
