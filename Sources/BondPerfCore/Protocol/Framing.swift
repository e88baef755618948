/// iperf3's JSON framing: a 4-byte big-endian length, then that many bytes of
/// JSON text, with no trailing NUL.
public enum Framing {
  /// Bytes in the length prefix.
  public static let headerLength = 4
  /// The largest parameter JSON a 3.18+ server accepts.
  public static let maximumParameterLength = 8192
  /// The cap for the server's results JSON as a client reads it (iperf3 has
  /// none); a server's `server_output_json` can be large.
  public static let maximumResultsLength = 16 * 1024 * 1024
  /// The cap for a client's results JSON as the server reads it: 128 streams
  /// each way take about 50 KB, so a larger length is refused unread.
  public static let maximumClientResultsLength = 256 * 1024

  /// Prefixes `json` with its length in network byte order.
  public static func frame(_ json: [UInt8]) -> [UInt8] {
    let length = UInt32(truncatingIfNeeded: json.count)
    var bytes: [UInt8] = [
      UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
      UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
    ]
    bytes.append(contentsOf: json)
    return bytes
  }

  /// Frames the compact text of `value`.
  public static func frame(_ value: JSONValue) -> [UInt8] {
    frame(value.compactBytes)
  }

  /// Reads a big-endian length from the first four bytes; `nil` if fewer.
  public static func length(fromHeader header: some Collection<UInt8>) -> UInt32? {
    guard header.count >= headerLength else { return nil }
    return header.prefix(headerLength).reduce(0) { $0 << 8 | UInt32($1) }
  }

  /// SERVER_ERROR followed by iperf3's two big-endian `Int32`s: its error
  /// code (`i_errno`) and the system `errno` (0 when none applies).
  public static func serverError(_ code: IperfErrorCode, errno: Int32 = 0) -> [UInt8] {
    var bytes = [ControlMessage.serverError.byte]
    for value in [UInt32(bitPattern: code.rawValue), UInt32(bitPattern: errno)] {
      bytes += [
        UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
        UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
      ]
    }
    return bytes
  }
}
