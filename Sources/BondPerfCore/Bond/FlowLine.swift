/// One line of `bondperf hash` input:
/// `POLICY NSLAVES SRCMAC DSTMAC SRCIP DSTIP PROTO SPORT DPORT`.
///
/// For `icmp`/`icmpv6`, SPORT and DPORT are the ICMP type and echo
/// identifier. POLICY may also be `balance-rr`, which has no per-flow slave.
public struct FlowLine: Hashable, Sendable {
  public var model: BondHashModel
  public var slaveCount: Int
  public var flow: FlowKey

  /// A field that could not be read, with its 1-based position and name.
  public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var problem: String
    public var description: String { "field \(field) '\(value)': \(problem)" }
  }

  static let fieldNames = [
    "POLICY", "NSLAVES", "SRCMAC", "DSTMAC", "SRCIP", "DSTIP", "PROTO", "SPORT", "DPORT",
  ]

  /// Parses a line (fields separated by spaces or tabs).
  public init(parsing line: Substring, kernel: KernelVersion) throws(ParseError) {
    let fields = line.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
      .map { Substring($0) }
    guard fields.count == FlowLine.fieldNames.count else {
      throw ParseError(
        field: "count", value: String(fields.count),
        problem:
          "expected 9 fields: POLICY NSLAVES SRCMAC DSTMAC SRCIP DSTIP PROTO SPORT DPORT")
    }
    func fail(_ index: Int, _ problem: String) -> ParseError {
      ParseError(field: FlowLine.fieldNames[index], value: String(fields[index]), problem: problem)
    }
    let mode: BondMode
    let policy: BondHashPolicy
    if fields[0] == "balance-rr" {
      mode = .balanceRR
      policy = .layer2
    } else if let parsed = BondHashPolicy(rawValue: String(fields[0])) {
      mode = .balanceXOR
      policy = parsed
    } else {
      throw fail(
        0,
        "unknown policy; use one of "
          + (BondHashPolicy.allCases.map(\.rawValue) + ["balance-rr"]).joined(separator: ", "))
    }
    guard let count = Int(fields[1]), (1...1024).contains(count) else {
      throw fail(1, "the slave count must be a whole number from 1 to 1024")
    }
    guard let sourceMAC = MACAddress(fields[2]) else { throw fail(2, "not a MAC address") }
    guard let destinationMAC = MACAddress(fields[3]) else {
      throw fail(3, "not a MAC address")
    }
    guard let source = IPAddress(fields[4]) else { throw fail(4, "not an IP address") }
    guard let destination = IPAddress(fields[5]) else {
      throw fail(5, "not an IP address")
    }
    guard source.isIPv4 == destination.isIPv4 else {
      throw fail(5, "the two addresses must both be IPv4 or both IPv6")
    }
    guard let proto = FlowKey.IPProtocol(name: fields[6]) else {
      throw fail(6, "unknown protocol; use tcp, udp, sctp, dccp, udplite, icmp, icmpv6 or a number")
    }
    guard let sourcePort = UInt16(fields[7]) else { throw fail(7, "must be 0-65535") }
    guard let destinationPort = UInt16(fields[8]) else { throw fail(8, "must be 0-65535") }
    var flow = FlowKey(
      sourceMAC: sourceMAC, destinationMAC: destinationMAC, source: source,
      destination: destination, ipProtocol: proto)
    switch proto {
    case .icmp, .icmpv6:
      guard sourcePort <= 255 else { throw fail(7, "an ICMP type must be 0-255") }
      flow.icmp = .init(type: UInt8(sourcePort), code: 0, identifier: destinationPort)
    default:
      flow.sourcePort = sourcePort
      flow.destinationPort = destinationPort
    }
    self.model = BondHashModel(mode: mode, policy: policy, kernel: kernel)
    self.slaveCount = count
    self.flow = flow
  }

  /// The answer line: the 0-based slave index, or `unpredictable: <reason>`.
  public var answer: String {
    switch model.selection(of: flow, slaveCount: slaveCount) {
    case .slave(let index, _): String(index)
    case .perPacket(let reason), .unpredictable(let reason), .activeSlave(let reason),
      .allSlaves(let reason):
      "unpredictable: " + reason
    }
  }
}
