/// One stream's totals at the end, as iperf3's `end.streams[]` needs them.
public struct StreamSummary: Sendable, Hashable {
  public var id: Int
  public var socket: Int32
  public var localSends: Bool
  public var bytesSent: Int64
  public var bytesReceived: Int64
  /// Retransmits of the sender (local tcp_info, or the peer's report); nil when unknown.
  public var retransmits: Int64?
  public var maxSndCwnd: Int64
  public var maxSndWnd: Int64
  public var maxRtt: Int64
  public var minRtt: Int64
  public var meanRtt: Int64
  /// Datagram totals of a UDP stream; nil for TCP.
  public var udp: UDPTotals? = nil
}
