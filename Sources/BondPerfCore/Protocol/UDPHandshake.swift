/// iperf3's UDP "connect": the client's first datagram on a new stream socket, and
/// the server's answer once it has connected a socket to the client
/// (`iperf_udp_connect` and `iperf_udp_accept` in iperf3's `src/iperf_udp.c`).
///
/// Both are a 4-byte integer written in host order. iperf3 3.12 and 3.21 send
/// `0x36373839` and reply `0x39383736` (on a little-endian host the bytes read
/// "9876" and "6789"; a big-endian build swaps the constants, so the bytes are
/// the same); clients also take the reply of older servers, 987654321.
/// A server reads the datagram only to learn the client's address and port; its
/// content is not checked.
public enum UDPHandshake {
  /// The client's datagram, as a little-endian iperf3 sends it.
  public static let connectMessage: [UInt8] = [0x39, 0x38, 0x37, 0x36]
  /// The server's reply, as a little-endian iperf3 sends it.
  public static let reply: [UInt8] = [0x36, 0x37, 0x38, 0x39]
  /// The reply of servers before 3.12 (987654321, little-endian).
  public static let legacyReply: [UInt8] = [0xb1, 0x68, 0xde, 0x3a]

  /// Whether `datagram` is a server's reply to the connect message. A big-endian
  /// iperf3 defines the integers byte-swapped, so the bytes on the wire are the same.
  public static func isReply(_ datagram: some Collection<UInt8>) -> Bool {
    guard datagram.count == 4 else { return false }
    let bytes = Array(datagram)
    return bytes == reply || bytes == legacyReply
  }

  /// How many bytes a client reads at most while it waits for the reply: with `-R`
  /// iperf3 allows two data datagrams to overtake it (`MAX_REVERSE_OUT_OF_ORDER_PACKETS`).
  public static func patience(reverse: Bool, blockLength: Int) -> Int {
    4 + (reverse ? 2 * blockLength : 0)
  }
}
