import Foundation
import Glibc
import Testing

@testable import BondPerfCore

/// Opens a listener on `host` port 0 (the kernel picks a free port).
func makeListener(_ host: String) throws -> Socket {
  let ip = try #require(IPAddress(host))
  let listener = try Socket(family: ip.isIPv4 ? .ipv4 : .ipv6)
  try listener.bind(to: SocketAddress(ip: ip, port: 0))
  try listener.listen(backlog: 16)
  return listener
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SocketTests {
  @Test(arguments: ["127.0.0.1", "::1"])
  func roundTripOverLoopback(host: String) throws {
    let listener = try makeListener(host)
    let server = try listener.localAddress
    #expect(server.port != 0)
    #expect(server.ip == IPAddress(host))

    let client = try Socket(family: server.family)
    try client.connect(to: server, timeout: .seconds(5))
    let accepted = try listener.accept()
    #expect(accepted.peer == (try client.localAddress))
    let connection = accepted.socket
    #expect(try client.remoteAddress == server)
    #expect(try connection.remoteAddress == accepted.peer)

    try client.sendAll(Array("hello, bondperf".utf8))
    var buffer = [UInt8](repeating: 0, count: 64)
    var received: [UInt8] = []
    while received.count < 15 {
      let count = try buffer.withUnsafeMutableBytes { try connection.receive(into: $0) }
      #expect(count > 0)
      received += buffer[..<count]
    }
    #expect(String(decoding: received, as: UTF8.self) == "hello, bondperf")

    try connection.sendAll([1, 2, 3])
    try client.shutdown(.write)
    #expect(try client.waitReadable(timeout: .seconds(5)))
    let count = try buffer.withUnsafeMutableBytes { try client.receive(into: $0) }
    #expect(Array(buffer[..<count]) == [1, 2, 3])
    let eof = try buffer.withUnsafeMutableBytes { try connection.receive(into: $0) }
    #expect(eof == 0)
    connection.close()
    client.close()
  }

  @Test func sendAllTakesContiguousAndOtherCollections() throws {
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    let accepted = try listener.accept()
    let connection = accepted.socket
    try client.sendAll([UInt8](1...3)[1...])  // ArraySlice: contiguous
    try client.sendAll(repeatElement(UInt8(9), count: 2))  // not contiguous
    try client.sendAll(UInt8(4)...UInt8(5))  // a range
    try client.shutdown(.write)
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16)
    while true {
      let count = try buffer.withUnsafeMutableBytes { try connection.receive(into: $0) }
      if count == 0 { break }
      received += buffer[..<count]
    }
    #expect(received == [2, 3, 9, 9, 4, 5])
  }

  /// The server's listener is non-blocking: with nothing queued, accepting
  /// returns nil at once instead of waiting for the next client.
  @Test func acceptIfReadyOnAnEmptyListenerIsNil() throws {
    let listener = try makeListener("127.0.0.1")
    try listener.setNonBlocking()
    let started = ContinuousClock.now
    let none = try listener.acceptIfReady()
    let noneIsNil = none == nil
    #expect(noneIsNil)
    #expect(started.duration(to: .now) < .seconds(1))
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(2))
    var got = false
    for _ in 0..<100 where !got {
      got = try listener.acceptIfReady() != nil
      if !got { usleep(10_000) }
    }
    #expect(got)
  }

  @Test func connectToAClosedPortIsRefused() throws {
    // Take a free port, then close the listener so nothing listens there.
    let address = try makeListener("127.0.0.1").localAddress
    let client = try Socket(family: .ipv4)
    let error = try #require(throws: SyscallError.self) {
      try client.connect(to: address, timeout: .seconds(5))
    }
    #expect(error.errno == .connectionRefused)
    #expect(error.call == "connect")
    #expect(error.description.contains("127.0.0.1 port \(address.port)"))
    #expect(error.description.hasSuffix("Connection refused (ECONNREFUSED)"))
  }

  @Test func connectTimesOutWhenTheBacklogIsFull() throws {
    // With backlog 0 and nobody accepting, Linux drops further SYNs: connect stays pending.
    let listener = try makeListener("127.0.0.1")
    try listener.listen(backlog: 0)
    let address = try listener.localAddress
    var pending: [CInt] = []
    defer { pending.forEach { Socket(adopting: $0).close() } }
    var timedOut: SyscallError?
    for _ in 0..<8 where timedOut == nil {
      let client = try Socket(family: .ipv4)
      do {
        try client.connect(to: address, timeout: .milliseconds(200))
      } catch {
        timedOut = error
      }
      pending.append(client.releaseDescriptor())
    }
    let error = try #require(timedOut)
    #expect(error.errno == .timedOut)
    #expect(error.description.contains("connect to 127.0.0.1 port \(address.port)"))
  }

  @Test func connectRestoresBlockingMode() throws {
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    let flags = fcntl(client.descriptor, F_GETFL)
    #expect(flags & O_NONBLOCK == 0)
  }

  @Test func boundSourceAddressAndPortAreWhatTheServerSees() throws {
    let listener = try makeListener("127.0.0.1")
    // Take a free port for the source, then release it for the data socket.
    let source = try makeListener("127.0.0.1").localAddress
    let client = try Socket(family: .ipv4)
    try client.bind(to: source)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    let accepted = try listener.accept()
    #expect(accepted.peer == source)
    #expect(try accepted.socket.remoteAddress == source)
  }

  @Test func bindingAPortInUseFailsWithEADDRINUSE() throws {
    let listener = try makeListener("127.0.0.1")
    let address = try listener.localAddress
    let second = try Socket(family: .ipv4)
    let error = try #require(throws: SyscallError.self) { try second.bind(to: address) }
    #expect(error.errno == .addressInUse)
    #expect(error.call == "bind")
    #expect(error.description.contains("\(address)"))
  }

  @Test func dualStackListenerReportsIPv4PeersUnmapped() throws {
    let listener = try Socket(family: .ipv6)
    try listener.setIPv6Only(false)
    try listener.bind(to: SocketAddress(ip: try #require(IPAddress("::")), port: 0))
    try listener.listen()
    let port = try listener.localAddress.port
    let client = try Socket(family: .ipv4)
    try client.connect(to: SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: port))
    let accepted = try listener.accept()
    #expect(accepted.peer == (try client.localAddress))
    #expect(accepted.peer.ip.isIPv4)
    // An IPv4 destination on an IPv6 socket is connected to through its mapped form.
    let mappedClient = try Socket(family: .ipv6)
    try mappedClient.connect(
      to: SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: port))
    #expect(try mappedClient.remoteAddress.ip == IPAddress("127.0.0.1"))
  }

  @Test func shutdownFromAnotherThreadWakesABlockedReceive() throws {
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    let accepted = try listener.accept()
    let descriptor = client.descriptor
    let done = DispatchSemaphore(value: 0)
    DispatchQueue(label: "shutdown").asyncAfter(deadline: .now() + .milliseconds(200)) {
      // A second owner only for the call; released so the descriptor isn't closed twice.
      let alias = Socket(adopting: descriptor)
      try? alias.shutdown(.both)
      _ = alias.releaseDescriptor()
      done.signal()
    }
    var buffer = [UInt8](repeating: 0, count: 16)
    let count = try buffer.withUnsafeMutableBytes { try client.receive(into: $0) }
    #expect(count == 0)
    done.wait()
    _ = accepted.peer
  }

  @Test func shutdownOfAnUnconnectedSocketIsNotAnError() throws {
    let socket = try Socket(family: .ipv4)
    try socket.shutdown(.both)
  }

  @Test func waitReadableTimesOut() throws {
    let listener = try makeListener("127.0.0.1")
    let start = ContinuousClock.now
    #expect(try listener.waitReadable(timeout: .milliseconds(100)) == false)
    #expect(ContinuousClock.now - start >= .milliseconds(90))
  }

  @Test func sendAfterThePeerClosedFailsWithoutSIGPIPE() throws {
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    listener.close()  // the accept queue goes, and the connection is reset
    let chunk = [UInt8](repeating: 0, count: 65536)
    let error = try #require(throws: SyscallError.self) {
      for _ in 0..<1000 { try client.sendAll(chunk) }
    }
    #expect(error.call == "send")
    #expect([Errno.connectionReset, .brokenPipe].contains(error.errno))
  }

  @Test func releasedDescriptorStaysOpen() throws {
    let socket = try Socket(family: .ipv4)
    let descriptor = socket.releaseDescriptor()
    #expect(fcntl(descriptor, F_GETFD) != -1)
    Socket(adopting: descriptor).close()
    #expect(fcntl(descriptor, F_GETFD) == -1)
  }
}
