import Foundation

/// The parsed text of `/proc/net/bonding/<bond>`.
///
/// The file is a header (`Ethernet Channel Bonding Driver: v…`), the master's
/// `Key: value` lines, an optional `802.3ad info` block with an indented
/// `Active Aggregator Info:` section, then one block per slave starting with
/// `Slave Interface: <name>`, in enslave order. Lines shown only to
/// `CAP_NET_ADMIN` (system MAC, aggregator keys, `details … lacp pdu:`) may be
/// missing; every field here is optional for that reason.
public struct BondProcFile: Hashable, Sendable {
  /// One `Slave Interface:` block.
  public struct Slave: Hashable, Sendable {
    /// The slave's interface name.
    public var name: String
    /// `Key: value` lines of the block, in order (later duplicates win).
    public var fields: [String: String] = [:]
    /// Lines under `details actor lacp pdu:`, keyed by their lower-case name.
    public var actorDetails: [String: String] = [:]
    /// Lines under `details partner lacp pdu:`.
    public var partnerDetails: [String: String] = [:]
  }

  /// The driver version line, e.g. `Ethernet Channel Bonding Driver: v6.8.0`.
  public var driverVersion: String?
  /// The master's `Key: value` lines (before the first slave block).
  public var master: [String: String] = [:]
  /// The `Active Aggregator Info:` lines (`Aggregator ID`, `Number of ports`, …).
  public var activeAggregator: [String: String] = [:]
  /// Whether the file says `bond X has no active aggregator`.
  public var saysNoActiveAggregator = false
  /// The slave blocks, in the order the kernel printed them (enslave order).
  public var slaves: [Slave] = []

  /// Parses the file's text; unknown lines are ignored.
  public init(parsing text: String) {
    enum Section { case master, aggregator, slave, actorDetails, partnerDetails }
    var section = Section.master
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let indented = rawLine.first == "\t" || rawLine.first == " "
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty { continue }
      if driverVersion == nil && master.isEmpty && line.hasPrefix("Ethernet Channel Bonding Driver")
      {
        driverVersion = line
        continue
      }
      if line.hasSuffix("has no active aggregator") {
        saysNoActiveAggregator = true
        continue
      }
      if line == "Active Aggregator Info:" {
        section = .aggregator
        continue
      }
      if line == "details actor lacp pdu:" {
        if !slaves.isEmpty { section = .actorDetails }
        continue
      }
      if line == "details partner lacp pdu:" {
        if !slaves.isEmpty { section = .partnerDetails }
        continue
      }
      guard let (key, value) = Self.split(line) else { continue }
      if key == "Slave Interface" {
        slaves.append(Slave(name: value))
        section = .slave
        continue
      }
      switch section {
      case .master:
        master[key] = value
      case .aggregator:
        if indented { activeAggregator[key] = value } else { master[key] = value }
      case .slave:
        slaves[slaves.count - 1].fields[key] = value
      case .actorDetails, .partnerDetails:
        if indented {
          if section == .actorDetails {
            slaves[slaves.count - 1].actorDetails[key.lowercased()] = value
          } else {
            slaves[slaves.count - 1].partnerDetails[key.lowercased()] = value
          }
        } else {
          section = .slave
          slaves[slaves.count - 1].fields[key] = value
        }
      }
    }
  }

  /// Splits `Key: value` at the first `": "` (or a trailing `:`).
  private static func split(_ line: String) -> (String, String)? {
    if let range = line.range(of: ": ") {
      let key = String(line[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
      let value = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
      return (key, value)
    }
    if line.hasSuffix(":") { return (String(line.dropLast()), "") }
    return nil
  }
}
