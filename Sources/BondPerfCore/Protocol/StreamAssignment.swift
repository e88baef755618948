/// One data connection's place in a test: its creation (accept) order, its
/// iperf3 stream id and its direction.
public struct StreamAssignment: Sendable, Hashable {
  /// 0-based position in the order the client connects and the server accepts.
  public var index: Int
  /// The iperf3 stream id (1, 3, 4, 5, ...).
  public var id: Int
  /// Which way data flows.
  public var direction: StreamDirection

  public init(index: Int, id: Int, direction: StreamDirection) {
    self.index = index
    self.id = id
    self.direction = direction
  }
}
