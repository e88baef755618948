/// The ranges a test's parameters must fall in, shared by the CLI's checks,
/// the parameter decoder and the server's caps, so the three can't disagree.
///
/// The stream and block limits are iperf3's (`MAX_STREAMS` and `MAX_BLOCKSIZE`
/// in iperf3's `src/iperf.h`); a longer `-t` than a day is refused as a typo.
public enum TestBounds {
  /// Parallel streams (`-P`, `--max-streams`).
  public static let streams: ClosedRange<Int> = 1...128
  /// Bytes per read or write (`-l`): 1 byte to 1 MiB.
  public static let blockLength: ClosedRange<Int> = 1...(1 << 20)
  /// Test length in seconds (`-t`, `--max-duration`).
  public static let seconds: ClosedRange<Int> = 1...86_400
}
