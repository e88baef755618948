import Foundation

/// The one encoder for bondperf's own JSON documents (`inspect --json`,
/// `plan --json`): snake_case keys, sorted, pretty-printed, slashes as they are.
/// iperf3's `-J` document is printed by ``JSONValue`` instead, byte for byte as
/// iperf3's cJSON prints it.
public enum ScriptJSON {
  /// `value` as a JSON document.
  public static func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}
