/// The bonding driver's `mode`, spelled as in sysfs.
public enum BondMode: String, Hashable, Sendable, Codable, CaseIterable {
  case balanceRR = "balance-rr"
  case activeBackup = "active-backup"
  case balanceXOR = "balance-xor"
  case broadcast = "broadcast"
  case ieee8023ad = "802.3ad"
  case balanceTLB = "balance-tlb"
  case balanceALB = "balance-alb"

  /// The kernel's numeric value.
  public var kernelValue: Int {
    switch self {
    case .balanceRR: 0
    case .activeBackup: 1
    case .balanceXOR: 2
    case .broadcast: 3
    case .ieee8023ad: 4
    case .balanceTLB: 5
    case .balanceALB: 6
    }
  }

  /// Parses the sysfs spelling (`"802.3ad 4"`), the number alone, or the
  /// `/proc/net/bonding` wording ("IEEE 802.3ad Dynamic link aggregation").
  public init?(sysfs text: String) {
    let word = text.split(separator: " ").first.map(String.init) ?? ""
    if let mode = BondMode(rawValue: word) {
      self = mode
    } else if let number = Int(word),
      let mode = BondMode.allCases.first(where: { $0.kernelValue == number })
    {
      self = mode
    } else {
      let lower = text.lowercased()
      let table: [(String, BondMode)] = [
        ("802.3ad", .ieee8023ad), ("round-robin", .balanceRR), ("active-backup", .activeBackup),
        ("broadcast", .broadcast), ("xor", .balanceXOR), ("fault-tolerance", .activeBackup),
        ("transmit load balancing", .balanceTLB), ("adaptive load balancing", .balanceALB),
      ]
      guard let match = table.first(where: { lower.contains($0.0) }) else { return nil }
      self = match.1
    }
  }
}
