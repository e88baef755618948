import Testing

@testable import BondPerfCore

struct IPNetworkTests {
  @Test(arguments: [
    ("198.18.0.0/15", "198.18.0.0/15"),
    ("198.19.255.7/15", "198.18.0.0/15"),
    ("10.1.2.3", "10.1.2.3/32"),
    ("0.0.0.0/0", "0.0.0.0/0"),
    ("2001:2::/48", "2001:2::/48"),
    ("2001:2:0:ffff::1/48", "2001:2::/48"),
    ("::1", "::1/128"),
  ])
  func parsesAndClearsHostBits(text: String, canonical: String) throws {
    let network = try #require(IPNetwork(text))
    #expect(network.description == canonical)
  }

  @Test(arguments: [
    "", "/8", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "2001::/129", "10.0.0/8", "x/8",
    "10.0.0.0/８",
  ])
  func rejectsMalformedPrefixes(text: String) {
    #expect(IPNetwork(text) == nil)
  }

  @Test func matchesIPv4IncludingMappedForm() throws {
    let network = try #require(IPNetwork("198.18.0.0/15"))
    for inside in ["198.18.0.1", "198.19.255.255", "::ffff:198.18.3.4"] {
      #expect(network.contains(try #require(IPAddress(inside))), "\(inside)")
    }
    for outside in [
      "198.20.0.1", "198.17.255.255", "127.0.0.1", "::1", "2001:2::1", "::ffff:127.0.0.1",
    ] {
      #expect(!network.contains(try #require(IPAddress(outside))), "\(outside)")
    }
  }

  @Test func matchesIPv6() throws {
    let network = try #require(IPNetwork("2001:2::/48"))
    #expect(network.contains(try #require(IPAddress("2001:2::5"))))
    #expect(network.contains(try #require(IPAddress("2001:2:0:ffff::5"))))
    #expect(!network.contains(try #require(IPAddress("2001:2:1::5"))))
    #expect(!network.contains(try #require(IPAddress("198.18.0.1"))))
  }

  @Test func allowListOfTheServer() throws {
    var configuration = ServerConfiguration()
    #expect(
      configuration.allows(try #require(IPAddress("203.0.113.9"))), "empty list allows everyone")
    configuration.allowedNetworks = [
      try #require(IPNetwork("10.0.0.0/8")), try #require(IPNetwork("::1")),
    ]
    #expect(configuration.allows(try #require(IPAddress("10.200.0.1"))))
    #expect(configuration.allows(try #require(IPAddress("::1"))))
    #expect(!configuration.allows(try #require(IPAddress("11.0.0.1"))))
  }
}
