/// The header iperf3 writes at the front of every UDP test datagram: the send
/// time (seconds and microseconds of the sender's monotonic clock) and the
/// datagram's sequence number, 1 for the first, all big-endian. The sequence
/// number takes 32 bits, or 64 with `--udp-counters-64bit` (iperf3's
/// `iperf_udp_send` and `iperf_udp_recv`).
public struct UDPDatagramHeader: Sendable, Hashable {
  public var seconds: UInt32
  public var microseconds: UInt32
  public var sequence: UInt64

  public init(seconds: UInt32, microseconds: UInt32, sequence: UInt64) {
    self.seconds = seconds
    self.microseconds = microseconds
    self.sequence = sequence
  }

  /// The header's length: 12 bytes, or 16 with 64-bit counters.
  public static func length(counters64Bit: Bool) -> Int { counters64Bit ? 16 : 12 }

  /// The smallest datagram iperf3 accepts for `-l` (`MIN_UDP_BLOCKSIZE`).
  public static let minimumDatagram = 16
  /// The largest datagram iperf3 accepts for `-l` (`MAX_UDP_BLOCKSIZE`: 65535 - 8 - 20).
  public static let maximumDatagram = 65_507

  /// The send time in seconds.
  public var time: Double { Double(seconds) + Double(microseconds) / 1_000_000 }

  /// Writes the header at the start of `buffer`, which must hold ``length(counters64Bit:)`` bytes.
  /// A 32-bit counter keeps the low 32 bits of ``sequence``, as iperf3's does.
  public func write(to buffer: UnsafeMutableRawBufferPointer, counters64Bit: Bool) {
    buffer.storeBytes(of: seconds.bigEndian, toByteOffset: 0, as: UInt32.self)
    buffer.storeBytes(of: microseconds.bigEndian, toByteOffset: 4, as: UInt32.self)
    if counters64Bit {
      buffer.storeBytes(of: sequence.bigEndian, toByteOffset: 8, as: UInt64.self)
    } else {
      buffer.storeBytes(
        of: UInt32(truncatingIfNeeded: sequence).bigEndian, toByteOffset: 8, as: UInt32.self)
    }
  }

  /// Reads a header from the start of `datagram`; nil when it is too short.
  public init?(reading datagram: UnsafeRawBufferPointer, counters64Bit: Bool) {
    guard datagram.count >= UDPDatagramHeader.length(counters64Bit: counters64Bit) else {
      return nil
    }
    seconds = UInt32(bigEndian: datagram.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
    microseconds = UInt32(bigEndian: datagram.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    sequence =
      counters64Bit
      ? UInt64(bigEndian: datagram.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
      : UInt64(UInt32(bigEndian: datagram.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
  }
}
