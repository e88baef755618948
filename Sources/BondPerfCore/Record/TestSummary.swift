/// The end of a test.
public struct TestSummary: Sendable {
  public var streams: [StreamSummary]
  /// Local duration of the first stream (iperf3's `end_time`).
  public var endTime: Double
  public var senderTime: Double
  public var receiverTime: Double
  /// Whether the sending side of each direction reported retransmits.
  public var clientToServerHasRetransmits: Bool
  public var serverToClientHasRetransmits: Bool
  public var localCPU: (total: Double, user: Double, system: Double)
  public var remoteCPU: (total: Double, user: Double, system: Double)
  public var localCongestion: String?
  public var remoteCongestion: String?
  /// Whether the peer's results were received (the server prints before it has them).
  public var hasPeerResults: Bool

  /// Whether the sender of `stream`'s direction reported retransmits, seen from `role`.
  public func hasRetransmits(_ stream: StreamSummary, role: Role) -> Bool {
    let clientToServer = stream.localSends == (role == .client)
    return clientToServer ? clientToServerHasRetransmits : serverToClientHasRetransmits
  }
}
