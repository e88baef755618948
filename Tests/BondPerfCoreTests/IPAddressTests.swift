import Testing

@testable import BondPerfCore

struct IPAddressTests {
  @Test(
    arguments: [
      ("10.0.0.1", [10, 0, 0, 1]),
      ("198.18.0.2", [198, 18, 0, 2]),
    ] as [(String, [UInt8])])
  func parsesIPv4(text: String, bytes: [UInt8]) throws {
    let address = try #require(IPAddress(text))
    #expect(address.bytes == bytes)
    #expect(address.description == text)
  }

  @Test(arguments: [
    ("2001:db8::1", "2001:db8::1"),
    ("2001:2::2", "2001:2::2"),
    ("::1", "::1"),
    ("::", "::"),
    ("fe80:0:0:0:1:2:3:4", "fe80::1:2:3:4"),
    ("::ffff:198.18.0.1", "::ffff:c612:1"),
  ])
  func parsesAndFormatsIPv6(text: String, canonical: String) throws {
    let address = try #require(IPAddress(text))
    #expect(address.bytes.count == 16)
    #expect(address.description == canonical)
  }

  @Test func unmapsIPv4MappedAddresses() throws {
    let mapped = try #require(IPAddress("::ffff:198.18.0.1"))
    #expect(mapped.unmappedIPv4 == IPAddress("198.18.0.1"))
    #expect(IPAddress("2001:db8::1")?.unmappedIPv4 == nil)
  }

  @Test(arguments: ["", "1.2.3", "1.2.3.256", "1.2.3.4.5", "a.b.c.d", "1::2::3", "12345::", "::g"])
  func rejectsMalformedText(text: String) {
    #expect(IPAddress(text) == nil)
  }

  @Test func parsesMACs() throws {
    let mac = try #require(MACAddress("02:00:00:00:00:0A"))
    #expect(mac.bytes == [2, 0, 0, 0, 0, 10])
    #expect(mac.description == "02:00:00:00:00:0a")
    #expect(MACAddress("02:00:00:00:00") == nil)
    #expect(MACAddress("zz:00:00:00:00:00") == nil)
  }
}
