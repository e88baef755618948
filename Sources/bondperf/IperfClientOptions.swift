import ArgumentParser
import BondPerfCore

/// iperf3 3.21's client flags beyond ``ClientOptions``: IP header marks (`-S`, `--dscp`,
/// `-L`, `--dont-fragment`), what the streams carry (`--repeating-payload`,
/// `--extra-data`), and SCTP's flags, which bondperf refuses with the reason.
struct IperfClientOptions: ParsableArguments {
  @Option(
    name: [.customShort("S"), .customLong("tos")],
    help: ArgumentHelp("IP type of service, 0-255 (52, 064 and 0x34 are the same).", valueName: "N")
  )
  var tos: String?

  @Option(
    name: .customLong("dscp"),
    help: ArgumentHelp("IP DSCP, 0-63 or a name (ef, af11, cs1, ...).", valueName: "N|name"))
  var dscp: String?

  @Option(
    name: [.customShort("L"), .customLong("flowlabel")],
    help: ArgumentHelp("IPv6 flow label (1-1048575).", valueName: "N"))
  var flowLabel: String?

  @Option(name: .customLong("extra-data"), help: "A string for both sides' JSON (extra_data).")
  var extraData: String?

  @Flag(
    name: .customLong("repeating-payload"),
    help: "Send iperf2's repeating 0123456789 payload instead of random bytes.")
  var repeatingPayload = false

  @Flag(name: .customLong("dont-fragment"), help: "Set IPv4's Don't Fragment bit.")
  var dontFragment = false

  @Flag(name: .customLong("sctp"), help: "SCTP instead of TCP: not supported (refused).")
  var sctp = false

  @Option(name: [.customShort("X"), .customLong("xbind")], help: .hidden)
  var xbind: String?

  @Option(name: .customLong("nstreams"), help: .hidden)
  var sctpStreams: String?

  func validate() throws {
    if sctp || xbind != nil || sctpStreams != nil {
      let flag = sctp ? "--sctp" : (xbind != nil ? "-X" : "--nstreams")
      throw ValidationError(
        "\(flag): SCTP is not supported by bondperf (TCP only; bonds hash SCTP by its ports "
          + "too, but bondperf has no SCTP data path); use iperf3 for SCTP.")
    }
    if tos != nil && dscp != nil {
      throw ValidationError("-S and --dscp both set the TOS byte; give one of them.")
    }
    if let tos, Self.number(tos).map({ (0...255).contains($0) }) != true {
      throw ValidationError("-S must be 0-255 (decimal, 0octal or 0xhex), got '\(tos)'.")
    }
    if let dscp, Self.dscpValue(dscp) == nil {
      throw ValidationError(
        "--dscp must be 0-63 or a name (cs0-cs7, af11-af43, ef, va, le), got '\(dscp)'.")
    }
    if let flowLabel, Self.number(flowLabel).map({ (0...0xF_FFFF).contains($0) }) != true {
      throw ValidationError("-L must be 0-1048575, got '\(flowLabel)'.")
    }
  }

  /// The TOS octet from `-S` or `--dscp` (DSCP is its upper six bits).
  var typeOfService: Int? {
    if let tos { return Self.number(tos) }
    if let dscp { return Self.dscpValue(dscp).map { $0 << 2 } }
    return nil
  }

  /// Applies these flags to the test's parameters and this host's sockets.
  func apply(to parameters: inout TestParameters, tuning: inout SocketTuning) {
    if let value = typeOfService, value != 0 {
      parameters.tos = value
      tuning.typeOfService = value
    }
    if let text = flowLabel, let label = Self.number(text), label != 0 {
      parameters.flowLabel = label
      tuning.flowLabel = UInt32(label)
    }
    if let extraData { parameters.extraData = extraData }
    if repeatingPayload { parameters.repeatingPayload = true }
    if dontFragment {
      parameters.dontFragment = true
      tuning.dontFragment = true
    }
  }

  /// A number in C's notation, as iperf3 reads `-S`: decimal, `0` octal or `0x` hex.
  static func number(_ text: String) -> Int? {
    let lower = text.lowercased()
    if lower.hasPrefix("0x") { return Int(lower.dropFirst(2), radix: 16) }
    if lower.count > 1 && lower.hasPrefix("0") { return Int(lower.dropFirst(), radix: 8) }
    return Int(lower)
  }

  /// A DSCP value 0-63 from a number or one of RFC 4594's names.
  static func dscpValue(_ text: String) -> Int? {
    if let value = number(text) { return (0...63).contains(value) ? value : nil }
    let names: [String: Int] = [
      "cs0": 0, "cs1": 8, "cs2": 16, "cs3": 24, "cs4": 32, "cs5": 40, "cs6": 48, "cs7": 56,
      "af11": 10, "af12": 12, "af13": 14, "af21": 18, "af22": 20, "af23": 22,
      "af31": 26, "af32": 28, "af33": 30, "af41": 34, "af42": 36, "af43": 38,
      "ef": 46, "va": 44, "le": 1,
    ]
    return names[text.lowercased()]
  }
}
