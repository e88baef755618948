/// iperf3's stream numbering and role-by-accept-order rules.
///
/// The first stream created is id 1; each later one gets "existing streams + 2",
/// so ids run 1, 3, 4, 5, ... and 2 is never used. Roles come only from the
/// order connections are made: in bidir the client's first P connections carry
/// client-to-server data, the next P server-to-client.
public enum StreamID {
  /// The id of the stream created at 0-based position `index`.
  public static func id(forIndex index: Int) -> Int {
    index == 0 ? 1 : index + 2
  }

  /// The ids of `count` streams in creation order: `[1, 3, 4, ...]`.
  public static func ids(count: Int) -> [Int] {
    (0..<max(count, 0)).map(id(forIndex:))
  }

  /// The 0-based creation position of stream `id`; `nil` for 2 or ids below 1.
  public static func index(forID id: Int) -> Int? {
    switch id {
    case 1: return 0
    case 3...: return id - 2
    default: return nil
    }
  }

  /// Data connections a test opens: `parallel`, or twice that in bidir.
  public static func connectionCount(parallel: Int, mode: TestMode) -> Int {
    max(parallel, 0) * mode.connectionsPerParallelStream
  }

  /// The stream made by the `index`-th data connection (0-based, in the
  /// client's connect order, which is the server's accept order); `nil` once
  /// all expected connections are in.
  public static func assignment(
    forIndex index: Int, parallel: Int, mode: TestMode
  ) -> StreamAssignment? {
    guard index >= 0, index < connectionCount(parallel: parallel, mode: mode) else { return nil }
    let direction: StreamDirection
    switch mode {
    case .normal: direction = .clientToServer
    case .reverse: direction = .serverToClient
    case .bidirectional: direction = index < parallel ? .clientToServer : .serverToClient
    }
    return StreamAssignment(index: index, id: id(forIndex: index), direction: direction)
  }

  /// Every stream of a test, in connect/accept order.
  public static func assignments(parallel: Int, mode: TestMode) -> [StreamAssignment] {
    (0..<connectionCount(parallel: parallel, mode: mode)).compactMap {
      assignment(forIndex: $0, parallel: parallel, mode: mode)
    }
  }
}
