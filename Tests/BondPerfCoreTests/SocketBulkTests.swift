import Glibc
import Testing

@testable import BondPerfCore

/// A connected TCP pair over IPv4 loopback: (client, accepted server side).
private func connectedPair() throws -> (client: SharedSocket, server: SharedSocket) {
  let listener = try makeListener("127.0.0.1")
  let client = try Socket(family: .ipv4)
  try client.connect(to: try listener.localAddress, timeout: .seconds(5))
  let accepted = try listener.accept()
  return (SharedSocket(client), SharedSocket(accepted.socket))
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SocketBulkTests {
  @Test func discardingReceiveCountsEveryByteAndSeesEndOfStream() throws {
    let (client, server) = try connectedPair()
    let payload = [UInt8](repeating: 7, count: 1_000_000)
    try client.socket.sendAll(payload)
    try client.socket.shutdown(.write)
    var total = 0
    var calls = 0
    while true {
      let count = try server.socket.receive(discarding: 65_536)
      if count == 0 { break }
      #expect(count <= 65_536)
      total += count
      calls += 1
    }
    #expect(total == 1_000_000)
    #expect(calls >= 16)
  }

  @Test func discardingReceiveBelowTheLowWaterMarkReturnsAfterTheTimeout() throws {
    let (client, server) = try connectedPair()
    try server.socket.setReceiveLowWaterMark(256 << 10)
    try server.socket.setReceiveTimeout(.milliseconds(50))
    // Nothing queued: the wait runs out with EAGAIN.
    let error = try #require(throws: SyscallError.self) {
      _ = try server.socket.receive(discarding: 1 << 20)
    }
    #expect(error.errno == .wouldBlock)
    // Fewer bytes than the mark: returned once the timeout passes, not held back.
    try client.socket.sendAll([UInt8](repeating: 1, count: 1000))
    let started = ContinuousClock.now
    #expect(try server.socket.receive(discarding: 1 << 20) == 1000)
    #expect(started.duration(to: .now) < .seconds(2))
    // End of stream wakes it at once.
    try client.socket.shutdown(.write)
    #expect(try server.socket.receive(discarding: 1 << 20) == 0)
  }

  @Test func memoryFileHoldsItsContents() throws {
    let contents: [UInt8] = Array(0..<200).map { UInt8($0) }
    let file = try contents.withUnsafeBytes { try MemoryFile(name: "test", contents: $0) }
    #expect(file.size == 200)
    var readBack = [UInt8](repeating: 0, count: 300)
    let count = readBack.withUnsafeMutableBytes {
      Glibc.pread(file.descriptor, $0.baseAddress, $0.count, 0)
    }
    #expect(count == 200)
    #expect(Array(readBack[..<200]) == contents)
  }

  @Test func sendFileMovesExactlyTheRequestedBytes() throws {
    let (client, server) = try connectedPair()
    let contents: [UInt8] = Array(0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) }
    let file = try contents.withUnsafeBytes { try MemoryFile(name: "test", contents: $0) }
    var sent = 0
    while sent < 3000 {
      sent += try client.socket.sendFile(from: file, offset: 100 + sent, count: 3000 - sent)
    }
    // At the file's end there is nothing left to send.
    #expect(try client.socket.sendFile(from: file, offset: 4096, count: 10) == 0)
    try client.socket.shutdown(.write)
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 8192)
    while true {
      let count = try buffer.withUnsafeMutableBytes { try server.socket.receive(into: $0) }
      if count == 0 { break }
      received += buffer[..<count]
    }
    #expect(received == Array(contents[100..<3100]))
  }

  @Test func sendFileToAClosedPeerFailsWithoutASignal() throws {
    Signals.ignoreBrokenPipe()
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    let accepted = try listener.accept()
    let server = accepted.socket
    server.close()
    let block = [UInt8](repeating: 1, count: 65_536)
    let file = try block.withUnsafeBytes { try MemoryFile(name: "test", contents: $0) }
    let error = try #require(throws: SyscallError.self) {
      for _ in 0..<1000 { _ = try client.sendFile(from: file, offset: 0, count: block.count) }
    }
    #expect(error.call == "sendfile")
    #expect(error.errno == .brokenPipe || error.errno == .connectionReset)
  }

  @Test func pageBufferIsPageAlignedAndZeroed() throws {
    let buffer = try PageBuffer(byteCount: 100_000)
    let address = try #require(buffer.bytes.baseAddress)
    #expect(Int(bitPattern: address) % 4096 == 0)
    #expect(buffer.bytes.count == 100_000)
    #expect(buffer.bytes.allSatisfy { $0 == 0 })
    buffer.bytes[99_999] = 5
    #expect(buffer.bytes[99_999] == 5)
  }
}
