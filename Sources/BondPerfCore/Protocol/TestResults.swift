/// One side's results JSON, exchanged after EXCHANGE_RESULTS (docs/iperf3-protocol.md §4.1).
public struct TestResults: Sendable, Equatable {
  /// CPU use in percent; may exceed 100 with threads.
  public var cpuUtilTotal: Double
  public var cpuUtilUser: Double
  public var cpuUtilSystem: Double
  /// -1 when this side only receives; 1 when it sends and reads TCP
  /// retransmits; 0 when it sends without them. Never -1 for a sending side.
  public var senderHasRetransmits: Int64
  /// The TCP congestion algorithm of the last data socket, when known.
  public var congestionUsed: String?
  /// One entry per local stream, in creation order.
  public var streams: [StreamResult]
  /// Server only, with `get_server_output` and a `-J` server: its whole document.
  public var serverOutputJSON: JSONValue?
  /// Server only, with `get_server_output` and no `-J`: its text output.
  public var serverOutputText: String?
  /// Extra members written after `streams`, such as bondperf's `"bondperf"`
  /// per-slave data; iperf3 ignores unknown keys. Decoding collects every
  /// unknown key here.
  public var extra: [(String, JSONValue)]

  public init(
    cpuUtilTotal: Double, cpuUtilUser: Double, cpuUtilSystem: Double,
    senderHasRetransmits: Int64, congestionUsed: String? = nil, streams: [StreamResult],
    serverOutputJSON: JSONValue? = nil, serverOutputText: String? = nil,
    extra: [(String, JSONValue)] = []
  ) {
    self.cpuUtilTotal = cpuUtilTotal
    self.cpuUtilUser = cpuUtilUser
    self.cpuUtilSystem = cpuUtilSystem
    self.senderHasRetransmits = senderHasRetransmits
    self.congestionUsed = congestionUsed
    self.streams = streams
    self.serverOutputJSON = serverOutputJSON
    self.serverOutputText = serverOutputText
    self.extra = extra
  }

  public static func == (lhs: TestResults, rhs: TestResults) -> Bool {
    lhs.json == rhs.json
  }

  /// The stream with the given id, if any.
  public func stream(id: Int) -> StreamResult? {
    streams.first(where: { $0.id == id })
  }

  /// The object in 3.21's key order: `cpu_util_total`, `cpu_util_user`,
  /// `cpu_util_system`, `sender_has_retransmits`, `[congestion_used]`,
  /// `[server_output_json | server_output_text]`, `streams`, then ``extra``.
  public var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("cpu_util_total", .double(cpuUtilTotal)),
      ("cpu_util_user", .double(cpuUtilUser)),
      ("cpu_util_system", .double(cpuUtilSystem)),
      ("sender_has_retransmits", .int(senderHasRetransmits)),
    ]
    if let congestionUsed { members.append(("congestion_used", .string(congestionUsed))) }
    if let serverOutputJSON { members.append(("server_output_json", serverOutputJSON)) }
    if let serverOutputText { members.append(("server_output_text", .string(serverOutputText))) }
    members.append(("streams", .array(streams.map(\.json))))
    members.append(contentsOf: extra)
    return .object(members)
  }

  /// Compact JSON bytes, unframed.
  public func encoded() -> [UInt8] {
    json.compactBytes
  }

  /// The framed message to send during EXCHANGE_RESULTS.
  public func framed() -> [UInt8] {
    Framing.frame(encoded())
  }

  private static let knownKeys: Set<String> = [
    "cpu_util_total", "cpu_util_user", "cpu_util_system", "sender_has_retransmits",
    "congestion_used", "server_output_json", "server_output_text", "streams",
  ]

  /// Decodes a peer's results as strictly as iperf3 3.18+ does.
  ///
  /// The `cpu_util_*` fields, `sender_has_retransmits` and `streams` (an
  /// array) are required, and each stream as in ``StreamResult/init(json:path:)``.
  /// `congestion_used` and `server_output_text` count only when they are
  /// strings. Keys match ignoring case. Unknown keys go to ``extra``.
  ///
  /// - Throws: ``ProtocolError/missingField(_:)`` naming the field (for
  ///   example `streams[1].bytes`), ``ProtocolError/wrongType(field:expected:found:)``
  ///   or ``ProtocolError/omittedCountsMismatch(streamID:)``.
  public init(json: JSONValue) throws(ProtocolError) {
    let reader = try JSONObjectReader(json, what: "results")
    cpuUtilTotal = try reader.requiredDouble("cpu_util_total")
    cpuUtilUser = try reader.requiredDouble("cpu_util_user")
    cpuUtilSystem = try reader.requiredDouble("cpu_util_system")
    senderHasRetransmits = try reader.requiredInt("sender_has_retransmits")
    // iperf3 only reads these when they are strings; other types count as absent.
    congestionUsed = reader.member("congestion_used")?.stringValue
    serverOutputJSON = reader.member("server_output_json")
    serverOutputText = reader.member("server_output_text")?.stringValue
    guard let streamsValue = reader.member("streams") else { throw .missingField("streams") }
    guard let elements = streamsValue.arrayValue else {
      throw .wrongType(field: "streams", expected: "array", found: streamsValue.typeName)
    }
    var streams: [StreamResult] = []
    for (index, element) in elements.enumerated() {
      streams.append(try StreamResult(json: element, path: "streams[\(index)]."))
    }
    self.streams = streams
    extra = reader.unknownMembers(known: TestResults.knownKeys)
  }

  /// Parses and decodes a results frame body.
  public init(bytes: some Collection<UInt8>) throws(ProtocolError) {
    let value: JSONValue
    do {
      value = try JSONValue.parse(bytes)
    } catch {
      throw .invalidJSON(error)
    }
    try self.init(json: value)
  }
}
