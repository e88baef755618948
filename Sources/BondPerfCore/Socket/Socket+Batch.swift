import CBondPerfLinux
import Glibc

// Linux values from <netinet/udp.h>, which the Glibc module may not export.
private let solUDP: CInt = 17  // SOL_UDP
private let udpSegment: CInt = 103  // UDP_SEGMENT
private let udpGRO: CInt = 104  // UDP_GRO

extension Socket {
  /// The most datagrams one ``sendDatagrams(_:length:)`` or
  /// ``receiveDatagrams(into:slot:lengths:segments:)`` call moves.
  public static let datagramBatch = Int(CBONDPERF_DATAGRAM_BATCH)

  /// Makes the kernel cut every larger send on this UDP socket into datagrams
  /// of `bytes` bytes each (UDP GSO); 0 turns it off. What goes on the wire is
  /// the same as one send per datagram.
  ///
  /// - Throws: A ``SyscallError`` for `setsockopt`; kernels before 4.18 refuse
  ///   the option (`ENOPROTOOPT`).
  ///
  /// The corresponding C function is `setsockopt(2)` with `UDP_SEGMENT` (udp(7)).
  public func setUDPSegmentSize(_ bytes: Int) throws(SyscallError) {
    try setOption(level: solUDP, name: udpSegment, to: CInt(bytes), label: "UDP_SEGMENT")
  }

  /// Lets the kernel hand this UDP socket several datagrams of one flow coalesced
  /// into one receive (UDP GRO), with their size in a control message.
  ///
  /// - Throws: A ``SyscallError`` for `setsockopt`; kernels before 5.0 refuse
  ///   the option (`ENOPROTOOPT`).
  ///
  /// The corresponding C function is `setsockopt(2)` with `UDP_GRO` (udp(7)).
  public func setUDPReceiveOffload(_ enabled: Bool) throws(SyscallError) {
    try setOption(level: solUDP, name: udpGRO, to: CInt(enabled ? 1 : 0), label: "UDP_GRO")
  }

  /// Sends the datagrams stored back to back in `buffer`, `length` bytes each
  /// (at most ``datagramBatch``), on a connected datagram socket in one call.
  ///
  /// - Returns: How many datagrams the kernel took (the first ones), at least 1.
  /// - Throws: A ``SyscallError`` for `sendmmsg`, e.g. `ENOBUFS` or `ECONNREFUSED`.
  ///
  /// The corresponding C function is `sendmmsg(2)`.
  public func sendDatagrams(_ buffer: UnsafeRawBufferPointer, length: Int) throws(SyscallError)
    -> Int
  {
    let count = min(buffer.count / max(length, 1), Socket.datagramBatch)
    guard count > 0, let base = buffer.baseAddress else { return 0 }
    return Int(
      try systemCall("sendmmsg") {
        cbondperf_send_datagrams(descriptor, base, UInt(length), UInt32(count))
      })
  }

  /// Receives up to `lengths.count` datagrams (at most ``datagramBatch``) in one
  /// call, waiting for the first only (the receive timeout bounds the wait).
  ///
  /// - Parameters:
  ///   - buffer: Datagram `i` goes to `buffer[i * slot ..< (i + 1) * slot]`, cut to fit.
  ///   - slot: The room for each datagram.
  ///   - lengths: Each received datagram's length.
  ///   - segments: For a receive the kernel coalesced (``setUDPReceiveOffload(_:)``),
  ///     the size of the datagrams in it, the last of which may be shorter; 0 otherwise.
  /// - Returns: How many were received, at least 1.
  /// - Throws: A ``SyscallError`` for `recvmmsg`, e.g. `EAGAIN` when the timeout passed.
  ///
  /// The corresponding C function is `recvmmsg(2)` with `MSG_WAITFORONE`.
  public func receiveDatagrams(
    into buffer: UnsafeMutableRawBufferPointer, slot: Int,
    lengths: UnsafeMutableBufferPointer<UInt>, segments: UnsafeMutableBufferPointer<CInt>
  ) throws(SyscallError) -> Int {
    let count = min(
      lengths.count, segments.count, buffer.count / max(slot, 1), Socket.datagramBatch)
    guard count > 0, let base = buffer.baseAddress, let lengthBase = lengths.baseAddress,
      let segmentBase = segments.baseAddress
    else { return 0 }
    return Int(
      try systemCall("recvmmsg") {
        cbondperf_receive_datagrams(
          descriptor, base, UInt(slot), UInt32(count), lengthBase, segmentBase)
      })
  }
}
