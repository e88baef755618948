/// How often LACPDUs are requested from the partner (`lacp_rate`).
public enum LACPRate: String, Hashable, Sendable, Codable {
  /// Every 30 seconds.
  case slow
  /// Every second.
  case fast

  /// Parses sysfs (`"fast 1"`), the number alone, or the procfs word.
  public init?(kernel text: String) {
    let word = text.split(separator: " ").first.map { String($0).lowercased() } ?? ""
    switch word {
    case "slow", "0": self = .slow
    case "fast", "1": self = .fast
    default: return nil
    }
  }
}
