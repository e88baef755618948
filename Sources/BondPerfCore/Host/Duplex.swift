import Foundation

/// A link's duplex as ethtool reports it.
public enum Duplex: String, Hashable, Sendable, Codable {
  /// Full duplex.
  case full
  /// Half duplex.
  case half

  /// Parses `full`/`half` (any case); `unknown` and anything else are `nil`.
  public init?(kernel text: String) {
    self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
  }
}
