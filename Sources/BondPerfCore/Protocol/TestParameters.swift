/// The parameter JSON a client sends after PARAM_EXCHANGE (iperf3's `send_parameters` in `src/iperf_api.c`).
///
/// Booleans travel by *presence*: iperf3 servers turn `reverse` on even for
/// `"reverse":false`, so ``encoded()`` leaves out every option that is off.
/// Optional properties are sent only when non-`nil`.
public struct TestParameters: Sendable, Equatable {
  /// `tcp`, `udp` or `sctp`, sent as `true`.
  public var transport: TransportProtocol = .tcp
  /// Seconds at the start left out of the statistics (`-O`); always sent.
  public var omit: Int = 0
  /// Test length in seconds, 0 for none (`-t`); always sent.
  public var time: Int = 10
  /// Byte limit over all streams, 0 for none (`-n`); always sent as `num`.
  public var num: Int64 = 0
  /// Block limit over all streams, 0 for none (`-k`); always sent as `blockcount`.
  public var blockCount: Int64 = 0
  /// TCP maximum segment size (`-M`), sent as `MSS`.
  public var mss: Int?
  /// TCP_NODELAY on data sockets (`-N`).
  public var noDelay = false
  /// Number of streams, P (`-P`); always sent.
  public var parallel: Int = 1
  /// Reverse mode (`-R`).
  public var reverse = false
  /// Bidirectional mode (`--bidir`).
  public var bidirectional = false
  /// Socket buffer size (`-w`).
  public var window: Int?
  /// Block size in bytes (`-l`), sent as `len` when non-zero; `nil` means the
  /// receiver's default (``TransportProtocol/defaultBlockLength``).
  public var length: Int? = 131_072
  /// Target bit/s per stream (`-b`); iperf3 clients always send it for UDP.
  public var bandwidth: Int64?
  /// SO_MAX_PACING_RATE in bit/s (`--fq-rate`), sent as `fqrate`.
  public var fqRate: Int64?
  /// Pacing timer in µs, sent as `pacing_timer`; iperf3 always sends 1000.
  public var pacingTimer: Int? = 1000
  /// Blocks sent back to back per pacing decision (`-b RATE/BURST`), sent as `burst`.
  public var burst: Int?
  /// IP TOS / traffic class (`-S`), sent as `TOS`.
  public var tos: Int?
  /// Copied into the server's output (`-T`).
  public var title: String?
  /// Copied into both outputs (`--extra-data`), sent as `extra_data`.
  public var extraData: String?
  /// TCP congestion algorithm for the server's sockets (`-C`).
  public var congestion: String?
  /// Ask the server for its output in its results (`--get-server-output`),
  /// sent as `"get_server_output":1`.
  public var getServerOutput = false
  /// 64-bit sequence numbers in UDP datagrams (`--udp-counters-64bit`), sent as
  /// `"udp_counters_64bit":1`.
  public var udpCounters64Bit = false
  /// Informational; servers never read it. Sent last.
  public var clientVersion: String?
  /// Keys this type doesn't model, in order, sent just before `client_version`.
  /// Decoding collects every unknown key here (iperf3 servers ignore them).
  public var extraKeys: [(String, JSONValue)] = []

  /// iperf3's client defaults for a TCP test, with bondperf's `client_version`.
  public init() {
    clientVersion = BondPerfVersion.wireVersion
  }

  /// The direction of data flow; `--bidir` wins when both flags are set, as on
  /// an iperf3 server.
  public var mode: TestMode {
    get { bidirectional ? .bidirectional : (reverse ? .reverse : .normal) }
    set {
      reverse = newValue == .reverse
      bidirectional = newValue == .bidirectional
    }
  }

  /// The block length in force: ``length``, or the transport's default.
  public var effectiveLength: Int {
    if let length, length > 0 { return length }
    return transport.defaultBlockLength
  }

  /// Whether the test ends after a number of bytes (`-n`) or blocks (`-k`)
  /// rather than after a time.
  public var endsByCount: Bool { num > 0 || blockCount > 0 }

  public static func == (lhs: TestParameters, rhs: TestParameters) -> Bool {
    lhs.json == rhs.json
  }
}

extension TestParameters {
  /// The parameters as a JSON object in the real client's key order:
  /// `tcp|udp|sctp, omit, time, num, blockcount, [MSS], [nodelay], parallel,
  /// [reverse], [bidirectional], [window], [len], [bandwidth], [fqrate],
  /// [pacing_timer], [burst], [TOS], [title], [extra_data], [congestion],
  /// [get_server_output], [udp_counters_64bit], [extraKeys...], [client_version]`.
  public var json: JSONValue {
    var members: [(String, JSONValue)] = [(transport.rawValue, .bool(true))]
    members.append(("omit", .int(Int64(omit))))
    members.append(("time", .int(Int64(time))))
    members.append(("num", .int(num)))
    members.append(("blockcount", .int(blockCount)))
    if let mss { members.append(("MSS", .int(Int64(mss)))) }
    if noDelay { members.append(("nodelay", .bool(true))) }
    members.append(("parallel", .int(Int64(parallel))))
    if reverse { members.append(("reverse", .bool(true))) }
    if bidirectional { members.append(("bidirectional", .bool(true))) }
    if let window { members.append(("window", .int(Int64(window)))) }
    if let length, length != 0 { members.append(("len", .int(Int64(length)))) }
    if let bandwidth { members.append(("bandwidth", .int(bandwidth))) }
    if let fqRate { members.append(("fqrate", .int(fqRate))) }
    if let pacingTimer { members.append(("pacing_timer", .int(Int64(pacingTimer)))) }
    if let burst { members.append(("burst", .int(Int64(burst)))) }
    if let tos { members.append(("TOS", .int(Int64(tos)))) }
    if let title { members.append(("title", .string(title))) }
    if let extraData { members.append(("extra_data", .string(extraData))) }
    if let congestion { members.append(("congestion", .string(congestion))) }
    if getServerOutput { members.append(("get_server_output", .int(1))) }
    if udpCounters64Bit { members.append(("udp_counters_64bit", .int(1))) }
    members.append(contentsOf: extraKeys)
    if let clientVersion { members.append(("client_version", .string(clientVersion))) }
    return .object(members)
  }

  /// Compact JSON bytes, unframed (see ``framed()``).
  public func encoded() -> [UInt8] {
    json.compactBytes
  }

  /// The framed message to send after PARAM_EXCHANGE.
  ///
  /// - Throws: ``ProtocolError/parametersTooLarge(_:)`` above
  ///   ``Framing/maximumParameterLength`` bytes, which 3.18+ servers refuse.
  public func framed() throws(ProtocolError) -> [UInt8] {
    let bytes = encoded()
    guard bytes.count <= Framing.maximumParameterLength else {
      throw .parametersTooLarge(bytes.count)
    }
    return Framing.frame(bytes)
  }
}
