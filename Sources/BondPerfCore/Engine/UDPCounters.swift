import Synchronization

/// One UDP stream's datagram counts, written by its worker thread and read by
/// the sampler: datagrams sent (iperf3's `packet_count` on a sender), or the
/// receiver's ``UDPReceiveCounter``.
public final class UDPCounters: Sendable {
  /// Whether the datagram header carries a 64-bit sequence number (`--udp-counters-64bit`).
  public let counters64Bit: Bool
  /// Datagrams sent so far.
  let sent = Atomic<Int64>(0)
  private let receiver = Mutex(UDPReceiveCounter())

  public init(counters64Bit: Bool) {
    self.counters64Bit = counters64Bit
  }

  /// The receiver's counts so far.
  var received: UDPReceiveCounter { receiver.withLock { $0 } }

  /// Counts received datagrams: `body` updates the counter under the lock.
  func receive(_ body: (inout UDPReceiveCounter) -> Void) {
    receiver.withLock { body(&$0) }
  }
}
