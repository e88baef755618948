import Glibc

/// A TCP connection's kernel statistics, as iperf3 reports them per stream.
///
/// Read from the kernel's `struct tcp_info` (`<linux/tcp.h>`) at its fixed offsets, not
/// through glibc's `struct tcp_info`: glibc 2.36's copy stops at `tcpi_total_retrans`
/// (104 bytes) and lacks `tcpi_snd_wnd`. The kernel only ever appends to this struct
/// and copies `min(asked, its size)` bytes, reporting how many, so the socket reads
/// into a zeroed 256-byte buffer and a field counts only if the kernel wrote it.
public struct TCPInfo: Sendable, Hashable {
  /// Segments retransmitted over the connection's life (`tcpi_total_retrans`).
  public var retransmits: Int
  /// The congestion window in bytes (`tcpi_snd_cwnd` × `tcpi_snd_mss`).
  public var sndCwndBytes: Int
  /// The smoothed round-trip time in microseconds (`tcpi_rtt`).
  public var rttMicroseconds: Int
  /// The round-trip time's variation in microseconds (`tcpi_rttvar`).
  public var rttvarMicroseconds: Int
  /// The path MTU in bytes (`tcpi_pmtu`).
  public var pmtu: Int
  /// The sender's maximum segment size in bytes (`tcpi_snd_mss`).
  public var sndMss: Int
  /// The peer's advertised receive window in bytes (`tcpi_snd_wnd`); `nil` on kernels
  /// older than 5.4, which don't report it.
  public var sndWnd: Int?
  /// The reordering metric in segments (`tcpi_reordering`).
  public var reordering: Int

  /// Creates statistics from known values (for tests and reports).
  public init(
    retransmits: Int, sndCwndBytes: Int, rttMicroseconds: Int, rttvarMicroseconds: Int,
    pmtu: Int, sndMss: Int, sndWnd: Int?, reordering: Int
  ) {
    self.retransmits = retransmits
    self.sndCwndBytes = sndCwndBytes
    self.rttMicroseconds = rttMicroseconds
    self.rttvarMicroseconds = rttvarMicroseconds
    self.pmtu = pmtu
    self.sndMss = sndMss
    self.sndWnd = sndWnd
    self.reordering = reordering
  }

  /// Byte offsets of `struct tcp_info` fields in the kernel's layout.
  enum Offset {
    static let sndMss = 16
    static let pmtu = 60
    static let rtt = 68
    static let rttvar = 72
    static let sndCwnd = 80
    static let reordering = 88
    static let totalRetrans = 100
    static let sndWnd = 228
  }

  /// The buffer size to read into; larger than any kernel's struct so far.
  static let capacity = 256

  /// Decodes the kernel's bytes.
  ///
  /// - Parameters:
  ///   - bytes: The zero-padded buffer.
  ///   - filled: How many bytes the kernel wrote; too few for the basic fields gives `nil`.
  init?(kernelBytes bytes: [UInt8], filled: Int) {
    guard filled >= Offset.totalRetrans + 4, bytes.count >= Offset.sndWnd + 4 else { return nil }
    func field(_ offset: Int) -> Int {
      bytes.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }
    let sndMss = field(Offset.sndMss)
    self.init(
      retransmits: field(Offset.totalRetrans),
      sndCwndBytes: field(Offset.sndCwnd) * sndMss,
      rttMicroseconds: field(Offset.rtt),
      rttvarMicroseconds: field(Offset.rttvar),
      pmtu: field(Offset.pmtu),
      sndMss: sndMss,
      sndWnd: filled >= Offset.sndWnd + 4 ? field(Offset.sndWnd) : nil,
      reordering: field(Offset.reordering))
  }
}

/// Linux's `TCP_INFO` option number, from `<netinet/tcp.h>`.
private let tcpInfoOption: CInt = 11

extension Socket {
  /// Reads the connection's TCP statistics.
  ///
  /// - Returns: The statistics at this moment.
  /// - Throws: A ``SyscallError`` for `getsockopt`, e.g. `ENOPROTOOPT` on a non-TCP socket.
  ///
  /// The corresponding C function is `getsockopt(2)` with `TCP_INFO`.
  public func tcpInfo() throws(SyscallError) -> TCPInfo {
    let (bytes, filled) = try getOptionBytes(
      level: CInt(IPPROTO_TCP), name: tcpInfoOption, capacity: TCPInfo.capacity,
      label: "TCP_INFO")
    guard let info = TCPInfo(kernelBytes: bytes, filled: filled) else {
      throw SyscallError(
        call: "getsockopt", errno: nil, detail: "TCP_INFO",
        message: "the kernel returned only \(filled) bytes")
    }
    return info
  }
}
