import Foundation
import Glibc
import Testing

@testable import BondPerfCore

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SocketOptionsTests {
  @Test func noDelayRoundTrips() throws {
    let socket = try Socket(family: .ipv4)
    #expect(try socket.noDelay == false)
    try socket.setNoDelay(true)
    #expect(try socket.noDelay == true)
    #expect(try socket.getOption(level: CInt(IPPROTO_TCP), name: TCP_NODELAY, as: CInt.self) == 1)
  }

  @Test func bufferSizesAreReportedDoubled() throws {
    let socket = try Socket(family: .ipv4)
    try socket.setSendBufferSize(65536)
    #expect(try socket.sendBufferSize >= 65536)
    try socket.setReceiveBufferSize(65536)
    #expect(try socket.receiveBufferSize >= 65536)
  }

  @Test func maxSegmentSizeSetBeforeConnecting() throws {
    let socket = try Socket(family: .ipv4)
    try socket.setMaxSegmentSize(1000)
    #expect(try socket.maxSegmentSize == 1000)
  }

  @Test func congestionControlRoundTrips() throws {
    let available = try String(
      contentsOfFile: "/proc/sys/net/ipv4/tcp_available_congestion_control", encoding: .utf8
    ).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    let name = available.contains("cubic") ? "cubic" : try #require(available.first)
    let socket = try Socket(family: .ipv4)
    try socket.setCongestionControl(name)
    #expect(try socket.congestionControl == name)
    let error = try #require(throws: SyscallError.self) {
      try socket.setCongestionControl("no-such-algorithm")
    }
    #expect(error.description.contains("TCP_CONGESTION no-such-algorithm"))
  }

  @Test func reuseAddressAndTimeoutsAreAccepted() throws {
    let socket = try Socket(family: .ipv6)
    try socket.setReuseAddress(true)
    #expect(try socket.getOption(level: SOL_SOCKET, name: SO_REUSEADDR, as: CInt.self) == 1)
    try socket.setIPv6Only(true)
    try socket.setReceiveTimeout(.milliseconds(1500))
    let timeout = try socket.getOption(level: SOL_SOCKET, name: SO_RCVTIMEO, as: timeval.self)
    #expect(timeout.tv_sec == 1 && timeout.tv_usec == 500_000)
    try socket.setSendTimeout(.seconds(2))
  }

  @Test func receiveTimeoutEndsABlockedReceiveWithEAGAIN() throws {
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    try client.setReceiveTimeout(.milliseconds(100))
    var buffer = [UInt8](repeating: 0, count: 8)
    let error = try #require(throws: SyscallError.self) {
      _ = try buffer.withUnsafeMutableBytes { try client.receive(into: $0) }
    }
    #expect(error.errno == .wouldBlock)
  }

  @Test func bindToDevice() throws {
    let socket = try Socket(family: .ipv4)
    do {
      try socket.bindToDevice("lo")
    } catch {
      #expect(error.errno == .notPermitted, "only an unprivileged run may fail")
    }
    let error = try #require(throws: SyscallError.self) {
      try socket.bindToDevice("nosuchdev0")
    }
    #expect([Errno.noSuchDevice, .notPermitted].contains(error.errno))
    #expect(error.description.contains("SO_BINDTODEVICE nosuchdev0"))
  }

  @Test func setsockoptOnAPipeFailsWithENOTSOCK() throws {
    var ends: [CInt] = [-1, -1]
    #expect(pipe(&ends) == 0)
    defer { Glibc.close(ends[1]) }
    let socket = Socket(adopting: ends[0])  // closes the read end
    let error = try #require(throws: SyscallError.self) { try socket.setNoDelay(true) }
    #expect(error.errno == .notSocket)
    #expect(error.description.contains("setsockopt"))
    #expect(error.description.contains("ENOTSOCK"))
  }

  @Test func tcpInfoAfterTraffic() throws {
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    let accepted = try listener.accept()
    let connection = accepted.socket
    let chunk = [UInt8](repeating: 7, count: 100_000)
    var buffer = [UInt8](repeating: 0, count: 65536)
    for _ in 0..<10 {
      try client.sendAll(chunk)
      var left = chunk.count
      while left > 0 {
        left -= try buffer.withUnsafeMutableBytes { try connection.receive(into: $0) }
      }
    }
    let info = try client.tcpInfo()
    #expect(info.rttMicroseconds > 0)
    #expect(info.sndMss > 0)
    #expect(info.sndCwndBytes >= info.sndMss)
    #expect(info.pmtu >= 1280)
    #expect(info.retransmits >= 0)
    #expect(try #require(info.sndWnd) > 0)  // kernel 5.4 and later
    #expect(info.reordering > 0)
  }

  @Test func tcpInfoOffsetsMatchGlibcWhereGlibcHasTheFields() {
    #expect(MemoryLayout<tcp_info>.offset(of: \.tcpi_snd_mss) == TCPInfo.Offset.sndMss)
    #expect(MemoryLayout<tcp_info>.offset(of: \.tcpi_pmtu) == TCPInfo.Offset.pmtu)
    #expect(MemoryLayout<tcp_info>.offset(of: \.tcpi_rtt) == TCPInfo.Offset.rtt)
    #expect(MemoryLayout<tcp_info>.offset(of: \.tcpi_rttvar) == TCPInfo.Offset.rttvar)
    #expect(MemoryLayout<tcp_info>.offset(of: \.tcpi_snd_cwnd) == TCPInfo.Offset.sndCwnd)
    #expect(MemoryLayout<tcp_info>.offset(of: \.tcpi_reordering) == TCPInfo.Offset.reordering)
    #expect(MemoryLayout<tcp_info>.offset(of: \.tcpi_total_retrans) == TCPInfo.Offset.totalRetrans)
  }

  @Test func tcpInfoWithoutSndWndFromAnOldKernel() throws {
    var bytes = [UInt8](repeating: 0, count: TCPInfo.capacity)
    bytes[TCPInfo.Offset.sndMss] = 100
    bytes[TCPInfo.Offset.sndCwnd] = 10
    bytes[TCPInfo.Offset.sndWnd] = 1
    let info = try #require(TCPInfo(kernelBytes: bytes, filled: 104))
    #expect(info.sndCwndBytes == 1000)
    #expect(info.sndWnd == nil)
    #expect(TCPInfo(kernelBytes: bytes, filled: 100) == nil)
  }

  @Test func interfacesIncludeLoopback() throws {
    let addresses = try Interfaces.addresses()
    #expect(addresses.contains { $0.name == "lo" && $0.address == IPAddress("127.0.0.1") })
    #expect(try Interfaces.name(holding: try #require(IPAddress("127.0.0.1"))) == "lo")
    #expect(try Interfaces.name(holding: try #require(IPAddress("192.0.2.254"))) == nil)
    #expect(Interfaces.index(of: "lo") != nil)
    #expect(Interfaces.index(of: "nosuchdev0") == nil)
  }
}
