import CBondPerfLinux
import Glibc

/// A packet socket on one interface (packet(7)): it sees each frame the
/// interface receives, before a bond or a tc redirect moves it on, so a
/// server can tell on which slave a flow's packets arrived. Needs CAP_NET_RAW.
///
/// Owned by one thread; closes its descriptor when it goes away.
public final class PacketTap {
  /// The interface watched.
  public let interface: String
  /// The packet socket; owned by this tap.
  public let descriptor: CInt

  /// Opens a tap on `interface`.
  ///
  /// - Throws: A ``SyscallError`` for `if_nametoindex`, `socket` or `bind`
  ///   (`EPERM` without CAP_NET_RAW).
  public init(interface: String) throws(SyscallError) {
    let index = if_nametoindex(interface)
    guard index != 0 else {
      throw SyscallError(call: "if_nametoindex", errno: .current, detail: interface)
    }
    self.interface = interface
    descriptor = try systemCall("socket(AF_PACKET)", "on \(interface)") {
      cbondperf_packet_socket(CInt(index))
    }
  }

  deinit {
    Glibc.close(descriptor)
  }

  /// A frame that came in on the interface.
  public struct Frame {
    /// The frame's ethertype (0x0800 IPv4, 0x86dd IPv6).
    public var ethertype: UInt16
    /// How many of its bytes (from the network header on) are in the buffer.
    public var captured: Int
  }

  /// The next received frame, its first bytes copied into `buffer`; nil when
  /// none is waiting. Frames this host sent are skipped.
  public func nextIncoming(into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError)
    -> Frame?
  {
    while true {
      var ethertype: CInt = 0
      var incoming: CInt = 0
      let count = cbondperf_packet_receive(
        descriptor, buffer.baseAddress, UInt(buffer.count), &ethertype, &incoming)
      if count < 0 {
        let error = Errno.current
        if error == .interrupted { continue }
        if error == .wouldBlock { return nil }
        throw SyscallError(call: "recvfrom(AF_PACKET)", errno: error, detail: "on \(interface)")
      }
      guard incoming != 0 else { continue }
      return Frame(
        ethertype: UInt16(truncatingIfNeeded: ethertype), captured: min(count, buffer.count))
    }
  }
}
