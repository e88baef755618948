/// TCP_INFO figures of a sending stream for one interval.
public struct TCPSample: Sendable, Hashable {
  public var retransmits: Int64
  public var sndCwnd: Int64
  public var sndWnd: Int64
  public var rtt: Int64
  public var rttvar: Int64
  public var pmtu: Int64
}
