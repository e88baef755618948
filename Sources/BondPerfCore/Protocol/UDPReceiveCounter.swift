/// A UDP receiver's view of one stream, counted the way iperf3's
/// `iperf_udp_recv` counts it.
///
/// - ``highestSequence`` is the highest sequence number seen (iperf3's
///   `packet_count` on a receiver): the datagrams the sender had sent by then.
/// - A jump forward counts the skipped numbers as lost; a number at or below the
///   highest counts as out of order and takes one back from the lost count.
/// - Jitter follows RFC 1889 (6.3.1, A.8): the smoothed difference of
///   consecutive transit times, `J += (|D| - J) / 16`, in seconds. The first
///   datagram's transit starts the chain, so it adds nothing.
public struct UDPReceiveCounter: Sendable, Hashable {
  public private(set) var highestSequence: Int64 = 0
  public private(set) var lost: Int64 = 0
  public private(set) var outOfOrder: Int64 = 0
  public private(set) var jitter: Double = 0
  /// Datagrams received.
  public private(set) var datagrams: Int64 = 0
  private var previousTransit: Double = 0

  public init() {}

  /// Counts one datagram with sequence number `sequence`, sent at `sentAt` by the
  /// sender's clock and received at `arrivedAt` by this host's (seconds).
  public mutating func record(sequence: UInt64, sentAt: Double, arrivedAt: Double) {
    let number = Int64(clamping: sequence)
    if number >= highestSequence + 1 {
      if number > highestSequence + 1 { lost += (number - 1) - highestSequence }
      highestSequence = number
    } else {
      outOfOrder += 1
      if lost > 0 { lost -= 1 }
    }
    // iperf3 takes the absolute difference of the two clocks.
    let transit = abs(arrivedAt - sentAt)
    if datagrams == 0 { previousTransit = transit }
    let difference = abs(transit - previousTransit)
    previousTransit = transit
    jitter += (difference - jitter) / 16
    datagrams += 1
  }

  /// The loss percentage of `lost` out of `total` datagrams: 0 when none were expected.
  public static func lostPercent(lost: Int64, total: Int64) -> Double {
    total > 0 ? 100 * Double(lost) / Double(total) : 0
  }
}
