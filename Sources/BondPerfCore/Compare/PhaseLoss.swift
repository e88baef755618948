/// A UDP phase's datagram loss over all its streams, as the receiver counted it
/// (iperf3's `end.sum`): lost of total datagrams, in percent, and the mean jitter.
public struct PhaseLoss: Sendable, Hashable {
  /// Datagrams lost.
  public var lost: Int64
  /// Datagrams sent (the receiver's count while the sender's is unknown).
  public var packets: Int64
  /// The streams' mean jitter in seconds.
  public var jitter: Double

  public init(lost: Int64, packets: Int64, jitter: Double) {
    self.lost = lost
    self.packets = packets
    self.jitter = jitter
  }

  /// The loss of `record`'s UDP streams; nil for a TCP test (or no summary).
  public init?(_ record: TestRecord) {
    guard let streams = record.summary?.streams.filter({ $0.udp != nil }), !streams.isEmpty
    else { return nil }
    let totals = IperfJSON.UDPGroupTotals(streams)
    self.init(lost: totals.lost, packets: totals.packets, jitter: totals.jitter)
  }

  /// Loss in percent of the datagrams sent.
  public var percent: Double { UDPReceiveCounter.lostPercent(lost: lost, total: packets) }

  /// "12/1780 (0.67%)", iperf3's "Lost/Total Datagrams".
  public var text: String {
    "\(lost)/\(packets) (\(Units.fixed(percent, decimals: 2))%)"
  }

  /// The phase's `udp` member in `compare --json`.
  public var json: JSONValue {
    .object([
      ("lost_packets", .int(lost)), ("packets", .int(packets)),
      ("lost_percent", .double(percent)), ("jitter_ms", .double(jitter * 1000)),
    ])
  }
}
