/// iperf3's JSON framing: a 4-byte big-endian length, then that many bytes of
/// JSON text, with no trailing NUL.
public enum Framing {
  /// Bytes in the length prefix.
  public static let headerLength = 4
  /// The largest parameter JSON a 3.18+ server accepts.
  public static let maximumParameterLength = 8192
  /// A generous cap for results JSON (iperf3 has none); a server's
  /// `server_output_json` can be large.
  public static let maximumResultsLength = 16 * 1024 * 1024

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
}
