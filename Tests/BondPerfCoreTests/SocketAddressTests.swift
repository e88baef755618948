import Glibc
import Testing

@testable import BondPerfCore

struct SocketAddressTests {
  @Test(arguments: ["127.0.0.1", "198.18.0.2", "::1", "2001:db8::7"])
  func roundTripsThroughSockaddr(text: String) throws {
    let address = SocketAddress(ip: try #require(IPAddress(text)), port: 5201)
    let back = address.withSockAddr { pointer, length in SocketAddress(pointer, length: length) }
    #expect(back == address)
  }

  @Test func describesLikeIperf3() throws {
    #expect(
      SocketAddress(ip: try #require(IPAddress("10.0.0.1")), port: 5201).description
        == "10.0.0.1 port 5201")
  }

  @Test func unmapsIPv4MappedAddresses() throws {
    let mapped = SocketAddress(ip: try #require(IPAddress("::ffff:10.1.2.3")), port: 7)
    #expect(mapped.unmapped == SocketAddress(ip: try #require(IPAddress("10.1.2.3")), port: 7))
    #expect(mapped.unmapped.mappedToIPv6 == mapped)
  }

  @Test func resolvesLocalhost() throws {
    let addresses = try SocketAddress.resolve(host: "localhost", port: 5201)
    #expect(!addresses.isEmpty)
    #expect(addresses.allSatisfy { $0.port == 5201 })
    #expect(addresses.contains { $0.ip == IPAddress("127.0.0.1") || $0.ip == IPAddress("::1") })
  }

  @Test func resolvesNumericTextAndPassiveWildcard() throws {
    #expect(try SocketAddress.resolve(host: "::1", port: 1).map(\.ip) == [IPAddress("::1")])
    let wildcard = try SocketAddress.resolve(host: "", port: 80, family: .ipv4, passive: true)
    #expect(wildcard == [SocketAddress(ip: try #require(IPAddress("0.0.0.0")), port: 80)])
  }

  @Test func bogusHostNameGivesAClearError() throws {
    let error = try #require(throws: SyscallError.self) {
      _ = try SocketAddress.resolve(host: "no-such-host.invalid", port: 5201)
    }
    #expect(error.call == "getaddrinfo")
    #expect(error.description.contains("no-such-host.invalid"))
    #expect(error.message != nil)
  }
}
