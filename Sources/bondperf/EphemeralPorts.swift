import BondPerfCore
import Foundation

/// The kernel's ephemeral port range (`net.ipv4.ip_local_port_range`).
enum EphemeralPorts {
  static func current() -> PortRange {
    guard
      let text = try? String(
        contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
    else { return .linuxDefaultEphemeral }
    let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
      .compactMap { UInt16($0) }
    guard numbers.count == 2, let range = PortRange(lower: numbers[0], upper: numbers[1]) else {
      return .linuxDefaultEphemeral
    }
    return range
  }
}
