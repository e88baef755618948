/// How a stream's worker moves bytes between its socket and this process.
///
/// The defaults cost the least per byte: senders copy a shared payload into the socket
/// with `send(2)`, receivers let the kernel drop what arrives (`MSG_TRUNC`), since
/// nothing reads the payload.
public struct DataPath: Sendable, Hashable {
  /// Send with `sendfile(2)` from a memory file instead of `send(2)` from a buffer
  /// (iperf3's `-Z`, `--zerocopy`).
  public var sendsFromFile: Bool
  /// Copy received bytes into user memory, as iperf3 does, instead of discarding them
  /// in the kernel (`--receive-copy`).
  public var receiveCopies: Bool
  /// Send iperf2's repeating `0123456789` instead of random bytes (`--repeating-payload`).
  public var repeatingPayload = false
  /// iperf3's `-F`: senders send this file's bytes, receivers write what arrives to it.
  public var diskFile: String?

  public init(sendsFromFile: Bool = false, receiveCopies: Bool = false) {
    self.sendsFromFile = sendsFromFile
    self.receiveCopies = receiveCopies
  }
}
