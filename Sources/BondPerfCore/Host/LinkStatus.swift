import Foundation

/// A slave's link state as the bond's link monitor sees it (`MII Status`).
public enum LinkStatus: String, Hashable, Sendable, Codable {
  /// The link is up and counted by the bond.
  case up = "up"
  /// Link lost, waiting out `downdelay` (the kernel's `BOND_LINK_FAIL`).
  case goingDown = "going down"
  /// The link is down.
  case down = "down"
  /// Link back, waiting out `updelay` (the kernel's `BOND_LINK_BACK`).
  case goingBack = "going back"

  /// Parses the sysfs/procfs wording; anything unknown is `nil`.
  public init?(kernel text: String) {
    self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
  }
}
