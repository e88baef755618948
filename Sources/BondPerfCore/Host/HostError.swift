/// A failure to read the host's network state, described in one line.
public enum HostError: Error, Hashable, Sendable, CustomStringConvertible {
  /// `name` has no `bonding` directory in sysfs; `known` lists the bonds that exist.
  case noSuchBond(name: String, path: String, known: [String])
  /// No bond was named and the host has none.
  case noBonds
  /// No bond was named and the host has several.
  case ambiguousBond(known: [String])
  /// A kernel file exists (or should) but could not be read.
  case unreadable(path: String, reason: String)
  /// A kernel file was read but its text was not in the expected format.
  case malformed(path: String, text: String)

  /// The error as one line, e.g. `cannot read /proc/net/bonding/bond0: permission denied`.
  public var description: String {
    switch self {
    case .noSuchBond(let name, let path, let known):
      let list =
        known.isEmpty ? "no bonds on this host" : "known bonds: " + known.joined(separator: ", ")
      return "no bond named \(name) (no \(path)); \(list)"
    case .noBonds:
      return "no bonds on this host (bonding_masters is empty or missing)"
    case .ambiguousBond(let known):
      return "several bonds exist (\(known.joined(separator: ", "))); name one"
    case .unreadable(let path, let reason):
      return "cannot read \(path): \(reason)"
    case .malformed(let path, let text):
      return "cannot parse \(path): \"\(text)\""
    }
  }
}
