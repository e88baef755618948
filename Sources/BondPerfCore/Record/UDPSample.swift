/// One UDP stream's datagrams in an interval (iperf3's `interval_packet_count`,
/// `interval_cnt_error`, `interval_outoforder_packets` and the running jitter).
public struct UDPSample: Sendable, Hashable {
  /// Sender: datagrams sent. Receiver: how far the highest sequence number moved,
  /// which counts the lost ones too.
  public var packets: Int64
  /// Datagrams lost (receiver only).
  public var lost: Int64
  /// Datagrams that arrived out of order (receiver only).
  public var outOfOrder: Int64
  /// The receiver's jitter at the end of the interval, in seconds.
  public var jitter: Double

  public init(packets: Int64, lost: Int64 = 0, outOfOrder: Int64 = 0, jitter: Double = 0) {
    self.packets = packets
    self.lost = lost
    self.outOfOrder = outOfOrder
    self.jitter = jitter
  }

  /// `lost` as a percentage of `packets`.
  public var lostPercent: Double { UDPReceiveCounter.lostPercent(lost: lost, total: packets) }
}
