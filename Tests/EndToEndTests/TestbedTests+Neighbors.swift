import Foundation
import Testing

/// Issue 18, item 6: the client finds an IPv6 peer's MAC itself (neighbour
/// discovery's table, over rtnetlink), as it finds an IPv4 peer's in the ARP
/// table, so MAC-hashing policies aren't predicted from a zero MAC.
extension TestbedTests {
  @Test(.timeLimit(.minutes(2)))
  func anIPv6PeersMACComesFromTheNeighbourTable() async throws {
    try await withTestbed {
      // layer2+3 hashes the peer's MAC; the testbed's neighbour entries are
      // permanent, so the client has it without --remote-mac.
      let output = try TestbedSupport.run(
        Self.client + [
          TestbedSupport.binary, "-c", "2001:2::2", "-6", "-t", "1", "--bond-policy", "layer2+3",
          "--slaves", "s0,s1,s2,s3", "--local-mac", "02:b0:00:00:00:01",
        ])
      #expect(output.status == 0, "client failed: \(output.stdout.suffix(400)) \(output.stderr)")
      // Without the peer's MAC the client says its predictions are unreliable
      // and names --remote-mac (the diagnosis may name it for other reasons:
      // the emulation hashes layer3+4, not the layer2+3 described here).
      #expect(!output.stdout.contains("slave predictions are unreliable"), "\(output.stdout)")
    }
  }
}
