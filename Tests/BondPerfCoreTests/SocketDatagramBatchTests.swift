import Glibc
import Testing

@testable import BondPerfCore

/// Two UDP sockets on IPv4 loopback, connected to each other: (sender, receiver).
private func datagramPair() throws -> (sender: SharedSocket, receiver: SharedSocket) {
  let loopback = try #require(IPAddress("127.0.0.1"))
  let receiver = try Socket(family: .ipv4, type: .datagram)
  try receiver.bind(to: SocketAddress(ip: loopback, port: 0))
  let sender = try Socket(family: .ipv4, type: .datagram)
  try sender.bind(to: SocketAddress(ip: loopback, port: 0))
  try sender.connect(to: try receiver.localAddress)
  try receiver.connect(to: try sender.localAddress)
  try receiver.setReceiveTimeout(.milliseconds(200))
  return (SharedSocket(sender), SharedSocket(receiver))
}

/// `count` datagrams of `length` bytes back to back; every byte of datagram i is i.
private func numberedDatagrams(count: Int, length: Int) -> [UInt8] {
  (0..<count).flatMap { [UInt8](repeating: UInt8($0), count: length) }
}

/// Receives datagrams one `recv` at a time until none comes within the timeout.
private func receiveEach(_ shared: SharedSocket) throws -> [[UInt8]] {
  var datagrams: [[UInt8]] = []
  var buffer = [UInt8](repeating: 0, count: 65_536)
  while true {
    do {
      let count = try buffer.withUnsafeMutableBytes { try shared.socket.receive(into: $0) }
      datagrams.append(Array(buffer[..<count]))
    } catch let error as SyscallError where error.errno == .wouldBlock {
      return datagrams
    }
  }
}

/// Whether the kernel takes UDP GSO/GRO options; one that refuses must say `ENOPROTOOPT`.
private func offloadAvailable(_ body: () throws(SyscallError) -> Void) -> Bool {
  do {
    try body()
    return true
  } catch {
    #expect(error.errno == .optionNotSupported, "\(error)")
    return false
  }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SocketDatagramBatchTests {
  @Test func sendmmsgSendsEachDatagramByItself() throws {
    let (sender, receiver) = try datagramPair()
    let payload = numberedDatagrams(count: 10, length: 100)
    let sent = try payload.withUnsafeBytes { try sender.socket.sendDatagrams($0, length: 100) }
    #expect(sent == 10)
    let datagrams = try receiveEach(receiver)
    #expect(datagrams.map { $0.count } == Array(repeating: 100, count: 10))
    #expect(datagrams.map { $0[0] } == (0..<10).map { UInt8($0) })
  }

  @Test func segmentedSendArrivesAsSeparateDatagramsWithoutGRO() throws {
    let (sender, receiver) = try datagramPair()
    // A kernel before 4.18: the engine falls back to sendmmsg.
    guard offloadAvailable({ () throws(SyscallError) in try sender.socket.setUDPSegmentSize(100) })
    else { return }
    // One send of 1,050 bytes: ten datagrams of 100 and a last one of 50.
    let payload = numberedDatagrams(count: 10, length: 100) + [UInt8](repeating: 10, count: 50)
    let sent = try payload.withUnsafeBytes { try sender.socket.send($0) }
    #expect(sent == 1050)
    let datagrams = try receiveEach(receiver)
    #expect(datagrams.map { $0.count } == Array(repeating: 100, count: 10) + [50])
    #expect(datagrams.map { $0[0] } == (0...10).map { UInt8($0) })
  }

  @Test func receiveBatchSplitsCoalescedDatagramsBySegmentSize() throws {
    let (sender, receiver) = try datagramPair()
    guard
      offloadAvailable({ () throws(SyscallError) in
        try sender.socket.setUDPSegmentSize(100)
        try receiver.socket.setUDPReceiveOffload(true)
      })
    else { return }
    let payload = numberedDatagrams(count: 20, length: 100)
    _ = try payload.withUnsafeBytes { try sender.socket.send($0) }
    _ = try payload.withUnsafeBytes { try sender.socket.sendDatagrams($0, length: 100) }
    let slot = 65_536
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: slot * 8, alignment: 16)
    defer { buffer.deallocate() }
    var lengths = [UInt](repeating: 0, count: 8)
    var segments = [CInt](repeating: 0, count: 8)
    var split: [[UInt8]] = []
    var coalesced = 0
    while split.count < 40 {
      let received = try lengths.withUnsafeMutableBufferPointer { lengths in
        try segments.withUnsafeMutableBufferPointer { segments in
          try receiver.socket.receiveDatagrams(
            into: buffer, slot: slot, lengths: lengths, segments: segments)
        }
      }
      #expect(received >= 1)
      for index in 0..<received {
        let length = Int(lengths[index])
        let size = segments[index] > 0 ? Int(segments[index]) : length
        if segments[index] > 0 { coalesced += 1 }
        for offset in stride(from: 0, to: length, by: size) {
          let start = index * slot + offset
          split.append(Array(buffer[start..<(start + min(size, length - offset))]))
        }
      }
    }
    #expect(split.map { $0.count } == Array(repeating: 100, count: 40))
    #expect(split.map { $0[0] } == (0..<40).map { UInt8($0 % 20) })
    // Loopback hands a GSO send to a GRO socket whole.
    #expect(coalesced >= 1)
  }

  @Test func receiveBatchTimesOutWhenNothingComes() throws {
    let (_, receiver) = try datagramPair()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    defer { buffer.deallocate() }
    var lengths = [UInt](repeating: 0, count: 4)
    var segments = [CInt](repeating: 0, count: 4)
    let error = try #require(throws: SyscallError.self) {
      _ = try lengths.withUnsafeMutableBufferPointer { lengths in
        try segments.withUnsafeMutableBufferPointer { segments in
          try receiver.socket.receiveDatagrams(
            into: buffer, slot: 1024, lengths: lengths, segments: segments)
        }
      }
    }
    #expect(error.errno == .wouldBlock)
    #expect(error.call == "recvmmsg")
  }
}
