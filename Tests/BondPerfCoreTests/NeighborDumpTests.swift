import Testing

@testable import BondPerfCore

/// The rtnetlink neighbour dump: request layout, reply parsing, bad bytes.
struct NeighborDumpTests {
  func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
  }

  func attribute(_ type: UInt16, _ value: [UInt8]) -> [UInt8] {
    var bytes = le(UInt16(4 + value.count)) + le(type) + value
    while bytes.count % 4 != 0 { bytes.append(0) }
    return bytes
  }

  func message(_ type: UInt16, _ body: [UInt8]) -> [UInt8] {
    le(UInt32(16 + body.count)) + le(type) + le(UInt16(2)) + le(UInt32(1)) + le(UInt32(0)) + body
  }

  func neighbor(_ address: IPAddress, mac: [UInt8]?, state: UInt16) -> [UInt8] {
    var body: [UInt8] = [10, 0, 0, 0] + le(Int32(7)) + le(state) + [0, 1]
    body += attribute(1, address.bytes)
    if let mac { body += attribute(2, mac) }
    return message(28, body)
  }

  @Test func requestIsADumpOfOneFamily() {
    let request = NeighborDump.request(family: 10, sequence: 9)
    #expect(request.count == 28)
    #expect(Array(request[0..<4]) == le(UInt32(28)))
    #expect(Array(request[4..<6]) == le(UInt16(30)))  // RTM_GETNEIGH
    #expect(Array(request[6..<8]) == le(UInt16(0x301)))  // REQUEST | DUMP
    #expect(Array(request[8..<12]) == le(UInt32(9)))
    #expect(request[16] == 10)  // AF_INET6
  }

  @Test func parsesNeighboursUntilDone() throws {
    let peer = try #require(IPAddress("2001:2::2"))
    let other = try #require(IPAddress("2001:2::3"))
    let mac: [UInt8] = [2, 0xb0, 0, 0, 0, 2]
    var entries: [NeighborDump.Entry] = []
    let datagram =
      neighbor(peer, mac: mac, state: 0x80) + neighbor(other, mac: nil, state: 0x01)
      + message(3, le(Int32(0)))
    #expect(NeighborDump.parse(datagram, into: &entries) == .done)
    #expect(entries.count == 2)
    #expect(entries[0].address == peer && entries[0].mac == MACAddress(bytes: mac))
    #expect(entries[0].interfaceIndex == 7 && entries[0].isResolved)
    #expect(entries[1].mac == nil && !entries[1].isResolved)
  }

  @Test func aKernelErrorIsReportedAndTruncationIsNotACrash() throws {
    var entries: [NeighborDump.Entry] = []
    #expect(NeighborDump.parse(message(2, le(Int32(-1))), into: &entries) == .failed(1))
    let peer = try #require(IPAddress("2001:2::2"))
    let whole = neighbor(peer, mac: [2, 0, 0, 0, 0, 1], state: 2)
    for cut in 0..<whole.count {
      var partial: [NeighborDump.Entry] = []
      _ = NeighborDump.parse(Array(whole[0..<cut]), into: &partial)
      #expect(partial.isEmpty, "cut at \(cut)")
    }
    var lying = whole
    lying[16 + 12] = 0xFF  // an attribute longer than its message
    _ = NeighborDump.parse(lying, into: &entries)
    #expect(entries.allSatisfy { $0.mac == nil })
  }

  /// The real kernel answers the dump (the host's table may be empty).
  @Test func theKernelAnswersTheDump() throws {
    _ = try NeighborDump.entries(family: 10)
    _ = try NeighborDump.entries(family: 2)
  }
}
