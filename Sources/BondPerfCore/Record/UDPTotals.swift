/// One UDP stream's datagram totals at the end (after the omit period), from
/// both ends once the results are exchanged.
public struct UDPTotals: Sendable, Hashable {
  /// Datagrams the sender sent (0 while unknown: a receiver before the exchange).
  public var senderPackets: Int64
  /// The receiver's highest sequence number: sent datagrams it knew of (0 while unknown).
  public var receiverPackets: Int64
  /// Datagrams lost, as the receiver counted them.
  public var lost: Int64
  /// Datagrams out of order, as this host's receiver counted them (iperf3
  /// doesn't exchange them, so a sender reports 0).
  public var outOfOrder: Int64
  /// The receiver's jitter in seconds.
  public var jitter: Double
  /// This host's datagrams and losses during the omit period (`-O`), which the
  /// counts above leave out; sent in the results as iperf3 3.14+ does.
  public var omittedPackets: Int64 = 0
  public var omittedLost: Int64 = 0

  public init(
    senderPackets: Int64 = 0, receiverPackets: Int64 = 0, lost: Int64 = 0, outOfOrder: Int64 = 0,
    jitter: Double = 0
  ) {
    self.senderPackets = senderPackets
    self.receiverPackets = receiverPackets
    self.lost = lost
    self.outOfOrder = outOfOrder
    self.jitter = jitter
  }

  /// The datagram count iperf3 prints: the sender's when known, else the receiver's.
  public var packets: Int64 { senderPackets != 0 ? senderPackets : receiverPackets }

  /// Loss in percent of what the sender sent (iperf3's per-stream `lost_percent`;
  /// 0 while the sender's count is unknown).
  public var lostPercentOfSent: Double {
    UDPReceiveCounter.lostPercent(lost: lost, total: senderPackets)
  }

  /// Loss in percent of the receiver's count (iperf3's text receiver line).
  public var lostPercentOfReceived: Double {
    UDPReceiveCounter.lostPercent(lost: lost, total: receiverPackets)
  }
}
