/// A data stream that moved no bytes for the stall window while others moved
/// (bondperf's `end.bondperf_stalled_streams` and the client's warning line).
public struct StalledStream: Sendable, Hashable {
  /// The iperf3 stream id (1, 3, 4, ...).
  public var id: Int
  /// The socket, shown as `[  5]` in text output.
  public var socket: Int32
  /// The slave the stream was predicted to leave on, when a bond is known.
  public var predictedSlave: Int?
  /// Seconds since the test started when the stream last moved.
  public var lastData: Double
  /// Seconds without data when it was found stalled (the stall window, give or take a poll).
  public var idleFor: Double
  /// Seconds since the start when it moved again; nil if it stayed stalled.
  public var resumedAt: Double?

  public init(
    id: Int, socket: Int32, predictedSlave: Int?, lastData: Double, idleFor: Double,
    resumedAt: Double? = nil
  ) {
    self.id = id
    self.socket = socket
    self.predictedSlave = predictedSlave
    self.lastData = lastData
    self.idleFor = idleFor
    self.resumedAt = resumedAt
  }
}
