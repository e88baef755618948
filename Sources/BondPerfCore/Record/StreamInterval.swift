/// One stream's share of an interval.
public struct StreamInterval: Sendable, Hashable {
  public var id: Int
  public var socket: Int32
  public var start: Double
  public var end: Double
  public var bytes: Int64
  public var localSends: Bool
  public var omitted: Bool
  public var tcp: TCPSample?
  /// Datagram counts of a UDP stream; nil for TCP.
  public var udp: UDPSample? = nil

  public var seconds: Double { end - start }
  public var bitsPerSecond: Double { Units.rate(bytes: bytes, seconds: seconds) }
}
