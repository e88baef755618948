import Synchronization

/// Test-wide byte and block totals, shared by every stream's worker, and the
/// `-n` / `-k` limits they are checked against.
///
/// Workers add to these only when ``hasLimit``: one counter written by every stream
/// would bounce between cores on each send; reports read each stream's own counter.
public final class TestLimits: Sendable {
  public let byteLimit: Int64
  public let blockLimit: Int64
  let sentBytes = Atomic<Int64>(0)
  let sentBlocks = Atomic<Int64>(0)
  let receivedBytes = Atomic<Int64>(0)
  let receivedBlocks = Atomic<Int64>(0)

  public init(byteLimit: Int64, blockLimit: Int64) {
    self.byteLimit = byteLimit
    self.blockLimit = blockLimit
  }

  var hasLimit: Bool { byteLimit > 0 || blockLimit > 0 }

  /// Whether senders should stop writing (the test ends at the control loop's next check).
  var sendingDone: Bool {
    (byteLimit > 0 && sentBytes.load(ordering: .relaxed) >= byteLimit)
      || (blockLimit > 0 && sentBlocks.load(ordering: .relaxed) >= blockLimit)
  }

  /// How many more `blockLength`-byte blocks a sender may send before a limit is
  /// reached (`Int64.max` without one; 0 once one is).
  func remainingBlocks(blockLength: Int) -> Int64 {
    var remaining = Int64.max
    let length = Int64(max(blockLength, 1))
    if byteLimit > 0 {
      let left = byteLimit - sentBytes.load(ordering: .relaxed)
      remaining = min(remaining, (left + length - 1) / length)
    }
    if blockLimit > 0 {
      remaining = min(remaining, blockLimit - sentBlocks.load(ordering: .relaxed))
    }
    return max(remaining, 0)
  }

  /// Whether either direction has reached a limit.
  var reached: Bool {
    sendingDone
      || (byteLimit > 0 && receivedBytes.load(ordering: .relaxed) >= byteLimit)
      || (blockLimit > 0 && receivedBlocks.load(ordering: .relaxed) >= blockLimit)
  }

  /// After the omit period the totals start again: `-n` / `-k` count what moves after
  /// it, in either direction (iperf3 3.12 resets only what it sent, so its `-R -n -O`
  /// ends as the omit period does, having measured nothing).
  func reset() {
    sentBytes.store(0, ordering: .relaxed)
    sentBlocks.store(0, ordering: .relaxed)
    receivedBytes.store(0, ordering: .relaxed)
    receivedBlocks.store(0, ordering: .relaxed)
  }
}
