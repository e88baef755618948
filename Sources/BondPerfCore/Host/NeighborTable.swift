import Foundation

/// Link-layer addresses of neighbours (next hops), from the kernel's tables.
public enum NeighborTable {
  /// One neighbour entry.
  public struct Entry: Hashable, Sendable, Codable {
    /// The neighbour's IP address.
    public var address: IPAddress
    /// Its MAC, `nil` while unresolved (`INCOMPLETE`, `FAILED`).
    public var mac: MACAddress?
    /// The interface it was learned on.
    public var interface: String
    /// The state word (`REACHABLE`, `STALE`, …) for `ip neigh`; `complete`,
    /// `permanent` or `incomplete` for `/proc/net/arp`.
    public var state: String
    /// Whether `ip neigh` flagged it as a router.
    public var isRouter: Bool

    /// Creates an entry.
    public init(
      address: IPAddress, mac: MACAddress?, interface: String, state: String,
      isRouter: Bool = false
    ) {
      self.address = address
      self.mac = mac
      self.interface = interface
      self.state = state
      self.isRouter = isRouter
    }
  }

  /// Parses `/proc/net/arp`:
  /// `IP address  HW type  Flags  HW address  Mask  Device`, one entry a line.
  /// Flags 0x2 is complete, 0x4 permanent; an all-zero address is unresolved.
  public static func parseProcARP(_ text: String) -> [Entry] {
    text.split(separator: "\n").dropFirst().compactMap { line in
      let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
      guard fields.count >= 6, let address = IPAddress(fields[0]) else { return nil }
      let flags = Int(fields[2].replacingOccurrences(of: "0x", with: ""), radix: 16) ?? 0
      let mac = MACAddress(fields[3]).flatMap { $0 == .zero ? nil : $0 }
      let state = flags & 0x4 != 0 ? "permanent" : (flags & 0x2 != 0 ? "complete" : "incomplete")
      return Entry(
        address: address, mac: flags & 0x2 != 0 ? mac : nil, interface: fields[5], state: state)
    }
  }

  /// Parses the output of `ip -6 neigh show` (or `ip neigh show`):
  /// `ADDR dev IF [lladdr MAC] [router] [proxy] STATE…`.
  public static func parseIPNeigh(_ text: String) -> [Entry] {
    text.split(separator: "\n").compactMap { line in
      let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
      guard let first = words.first, let address = IPAddress(first) else { return nil }
      var interface = ""
      var mac: MACAddress?
      var isRouter = false
      var states: [String] = []
      var index = 1
      while index < words.count {
        let word = words[index]
        switch word {
        case "dev" where index + 1 < words.count:
          interface = words[index + 1]
          index += 1
        case "lladdr" where index + 1 < words.count:
          mac = MACAddress(words[index + 1])
          index += 1
        case "router":
          isRouter = true
        case "proxy", "extern_learn", "offload":
          break
        default:
          if word == word.uppercased() && word.first?.isLetter == true { states.append(word) }
        }
        index += 1
      }
      return Entry(
        address: address, mac: mac, interface: interface,
        state: states.joined(separator: " "), isRouter: isRouter)
    }
  }

  /// Reads `<procfs>/net/arp`.
  ///
  /// - Throws: ``HostError`` if the file can't be read.
  public static func readARP(roots: HostRoots = .live) throws -> [Entry] {
    parseProcARP(try HostFile.read(roots.procfs("net/arp")))
  }

  /// The MAC of an IPv4 neighbour from `<procfs>/net/arp`, optionally only on
  /// `interface`; `nil` if it isn't resolved.
  public static func macAddress(
    ofIPv4 address: IPAddress, interface: String? = nil, roots: HostRoots = .live
  ) throws -> MACAddress? {
    try readARP(roots: roots).first { entry in
      entry.address == address && entry.mac != nil
        && (interface == nil || entry.interface == interface)
    }?.mac
  }

  /// The MAC of an IPv6 neighbour (neighbour discovery), from the kernel's table
  /// over rtnetlink, since `/proc` has no IPv6 neighbours; `nil` if it isn't
  /// resolved or the table can't be read.
  public static func macAddress(ofIPv6 address: IPAddress) -> MACAddress? {
    (try? NeighborDump.entries(family: AF_INET6))?.first {
      $0.address == address && $0.isResolved
    }?.mac
  }

  /// The MAC of `address` in parsed `ip neigh` output, skipping unresolved entries.
  public static func macAddress(
    of address: IPAddress, inIPNeigh text: String, interface: String? = nil
  ) -> MACAddress? {
    parseIPNeigh(text).first { entry in
      entry.address == address && entry.mac != nil && !entry.state.contains("FAILED")
        && (interface == nil || entry.interface == interface)
    }?.mac
  }
}
