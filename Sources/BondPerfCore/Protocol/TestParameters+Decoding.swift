extension TestParameters {
  private static let knownKeys: Set<String> = [
    "tcp", "udp", "sctp", "omit", "time", "num", "blockcount", "mss", "nodelay", "parallel",
    "reverse", "bidirectional", "window", "len", "bandwidth", "fqrate", "pacing_timer", "tos",
    "title", "extra_data", "congestion", "get_server_output", "client_version", "burst",
    "udp_counters_64bit",
  ]

  /// Reads parameters as an iperf3 3.18+ server does; see ``init(json:typeMismatches:)``.
  public init(json: JSONValue) throws(ProtocolError) {
    var ignored: [String] = []
    try self.init(json: json, typeMismatches: &ignored)
  }

  /// Reads parameters as an iperf3 server does.
  ///
  /// - Keys match ignoring case, and the last duplicate wins.
  /// - `tcp`, `udp`, `sctp`, `nodelay`, `reverse`, `bidirectional` and
  ///   `get_server_output` count by presence, whatever their value.
  /// - Missing keys keep the server defaults (TCP, 10 s, P = 1, no limits;
  ///   `len`, `pacing_timer` and `client_version` become `nil`).
  /// - A key of the wrong JSON type is ignored and its default kept, as 3.18+
  ///   does; its name is appended to `typeMismatches` so a server can log
  ///   "mismatch <key>". Doubles are accepted for numbers, truncated.
  /// - Keys this type doesn't model are kept in ``extraKeys``.
  /// - No range checks here; see ``validate()``.
  ///
  /// - Throws: ``ProtocolError/notAnObject(_:)`` when `json` isn't an object.
  public init(json: JSONValue, typeMismatches: inout [String]) throws(ProtocolError) {
    let reader = try JSONObjectReader(json, what: "parameters")
    self.init()
    length = nil
    pacingTimer = nil
    clientVersion = nil

    func int(_ key: String) -> Int64? {
      guard let member = reader.member(key) else { return nil }
      guard let number = member.intValue else {
        typeMismatches.append(key)
        return nil
      }
      return number
    }
    func string(_ key: String) -> String? {
      guard let member = reader.member(key) else { return nil }
      guard let text = member.stringValue else {
        typeMismatches.append(key)
        return nil
      }
      return text
    }
    func present(_ key: String) -> Bool { reader.member(key) != nil }
    func clamped(_ value: Int64) -> Int { Int(clamping: value) }

    if present("tcp") { transport = .tcp }
    if present("udp") { transport = .udp }
    if present("sctp") { transport = .sctp }
    if let value = int("omit") { omit = clamped(value) }
    if let value = int("time") { time = clamped(value) }
    if let value = int("num") { num = value }
    if let value = int("blockcount") { blockCount = value }
    if let value = int("MSS") { mss = clamped(value) }
    noDelay = present("nodelay")
    if let value = int("parallel") { parallel = clamped(value) }
    reverse = present("reverse")
    bidirectional = present("bidirectional")
    if let value = int("window") { window = clamped(value) }
    if let value = int("len") { length = clamped(value) }
    if let value = int("bandwidth") { bandwidth = value }
    if let value = int("fqrate") { fqRate = value }
    if let value = int("pacing_timer") { pacingTimer = clamped(value) }
    if let value = int("TOS") { tos = clamped(value) }
    if let value = int("burst") { burst = clamped(value) }
    udpCounters64Bit = present("udp_counters_64bit")
    title = string("title")
    extraData = string("extra_data")
    congestion = string("congestion")
    getServerOutput = present("get_server_output")
    clientVersion = string("client_version")
    extraKeys = reader.unknownMembers(known: TestParameters.knownKeys)
  }

  /// Range checks a careful server applies (iperf3 master after 3.21 does;
  /// 3.12 and 3.21 don't): `parallel` 1...128, `omit` 0...600, `time` and
  /// limits not negative, `len` 1...1 MiB when given, `MSS`/`window` not negative.
  public func validate() throws(ProtocolError) {
    guard TestBounds.streams.contains(parallel) else {
      let bounds = TestBounds.streams
      throw .invalidValue(
        field: "parallel",
        reason: "must be \(bounds.lowerBound)...\(bounds.upperBound), got \(parallel)")
    }
    guard (0...600).contains(omit) else {
      throw .invalidValue(field: "omit", reason: "must be 0...600, got \(omit)")
    }
    guard time >= 0 else {
      throw .invalidValue(field: "time", reason: "must not be negative, got \(time)")
    }
    guard num >= 0 else { throw .invalidValue(field: "num", reason: "must not be negative") }
    guard blockCount >= 0 else {
      throw .invalidValue(field: "blockcount", reason: "must not be negative")
    }
    if let length, !TestBounds.blockLength.contains(length) {
      let bounds = TestBounds.blockLength
      throw .invalidValue(
        field: "len", reason: "must be \(bounds.lowerBound)...\(bounds.upperBound), got \(length)")
    }
    if transport == .udp, let length,
      !(UDPDatagramHeader.minimumDatagram...UDPDatagramHeader.maximumDatagram).contains(length)
    {
      throw .invalidValue(
        field: "len",
        reason: "a UDP datagram must be \(UDPDatagramHeader.minimumDatagram)..."
          + "\(UDPDatagramHeader.maximumDatagram) bytes, got \(length)")
    }
    if let burst, !(1...1000).contains(burst) {
      throw .invalidValue(field: "burst", reason: "must be 1...1000, got \(burst)")
    }
    if let mss, mss < 0 { throw .invalidValue(field: "MSS", reason: "must not be negative") }
    if let window, window < 0 {
      throw .invalidValue(field: "window", reason: "must not be negative")
    }
  }
}
