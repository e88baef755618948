import Glibc

// Linux value from <asm-generic/socket.h>, which the Glibc module may not export.
private let soMaxPacingRate: CInt = 47  // SO_MAX_PACING_RATE

extension Socket {
  /// Receives one datagram and the address it came from, without blocking.
  ///
  /// - Parameter buffer: Where to put the datagram; a longer one is cut to fit.
  /// - Returns: The datagram's length (as stored) and its sender, or nil when none
  ///   is queued.
  /// - Throws: A ``SyscallError`` for `recvfrom`.
  ///
  /// The corresponding C function is `recvfrom(2)` with `MSG_DONTWAIT`.
  public func receiveFrom(into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError)
    -> (count: Int, sender: SocketAddress)?
  {
    do {
      let (count, sender) = try SocketAddress.reading(call: "recvfrom") { address, length in
        Glibc.recvfrom(
          descriptor, buffer.baseAddress, buffer.count, CInt(MSG_DONTWAIT), address, length)
      }
      return (count, sender)
    } catch  where error.errno == .wouldBlock {
      return nil
    }
  }

  /// Caps the rate the kernel paces this socket's packets at (fq or TCP pacing),
  /// in bytes per second; `UInt64.max` removes the cap.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_MAX_PACING_RATE`.
  public func setMaxPacingRate(bytesPerSecond: UInt64) throws(SyscallError) {
    try setOption(
      level: SOL_SOCKET, name: soMaxPacingRate, to: bytesPerSecond, label: "SO_MAX_PACING_RATE")
  }

  /// The pacing cap in bytes per second (`UInt64.max` when there is none).
  ///
  /// The corresponding C function is `getsockopt(2)` with `SO_MAX_PACING_RATE`.
  public var maxPacingRate: UInt64 {
    get throws(SyscallError) {
      try getOption(
        level: SOL_SOCKET, name: soMaxPacingRate, as: UInt64.self, label: "SO_MAX_PACING_RATE")
    }
  }
}
