/// One stream's entry in the results exchange (`streams[]`; docs/iperf3-protocol.md §4.1).
public struct StreamResult: Sendable, Equatable {
  /// The stream id (1, 3, 4, ...); see ``StreamID``.
  public var id: Int
  /// Bytes sent (sending stream) or received (receiving stream) after omit.
  public var bytes: Int64
  /// Retransmits after omit on a sending stream with TCP info; otherwise -1.
  public var retransmits: Int64
  /// UDP jitter in seconds; 0 for TCP.
  public var jitter: Double
  /// UDP lost packets; 0 for TCP.
  public var errors: Int64
  /// UDP errors during omit (3.14+); sent together with ``omittedPackets``.
  public var omittedErrors: Int64?
  /// UDP packets; 0 for TCP.
  public var packets: Int64
  /// UDP packets during omit (3.14+); sent together with ``omittedErrors``.
  public var omittedPackets: Int64?
  /// Always 0 in practice; may be missing from servers before 3.2.
  public var startTime: Double?
  /// Seconds from the stream's start (after omit) to its last sample.
  public var endTime: Double?

  public init(
    id: Int, bytes: Int64, retransmits: Int64 = -1, jitter: Double = 0, errors: Int64 = 0,
    omittedErrors: Int64? = 0, packets: Int64 = 0, omittedPackets: Int64? = 0,
    startTime: Double? = 0, endTime: Double?
  ) {
    self.id = id
    self.bytes = bytes
    self.retransmits = retransmits
    self.jitter = jitter
    self.errors = errors
    self.omittedErrors = omittedErrors
    self.packets = packets
    self.omittedPackets = omittedPackets
    self.startTime = startTime
    self.endTime = endTime
  }

  /// `end_time - start_time`, or 0 when either is missing (as iperf3 computes it).
  public var duration: Double {
    guard let startTime, let endTime else { return 0 }
    return endTime - startTime
  }

  /// The entry in 3.21's key order. When either omitted count is set both are
  /// written (a missing one as 0), since receivers want both or neither.
  public var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("id", .int(Int64(id))), ("bytes", .int(bytes)), ("retransmits", .int(retransmits)),
      ("jitter", .double(jitter)), ("errors", .int(errors)),
    ]
    let hasOmitted = omittedErrors != nil || omittedPackets != nil
    if hasOmitted { members.append(("omitted_errors", .int(omittedErrors ?? 0))) }
    members.append(("packets", .int(packets)))
    if hasOmitted { members.append(("omitted_packets", .int(omittedPackets ?? 0))) }
    if let startTime { members.append(("start_time", .double(startTime))) }
    if let endTime { members.append(("end_time", .double(endTime))) }
    return .object(members)
  }

  /// The largest `bytes` or `retransmits` accepted from a peer: 2^53, the
  /// largest integer iperf3's cJSON (which keeps numbers as doubles) holds
  /// exactly. Totals over a test's at most 256 streams then stay far below
  /// `Int64.max`, so a hostile peer can't make the reports overflow.
  public static let maximumCount: Int64 = 1 << 53

  /// Decodes one entry as strictly as iperf3 does: `id`, `bytes`,
  /// `retransmits`, `jitter`, `errors` and `packets` are required numbers;
  /// `omitted_errors`/`omitted_packets` must come both or neither;
  /// `start_time`/`end_time` are optional. `18446744073709551615` reads as -1.
  /// `bytes` must be in 0...``maximumCount`` and `retransmits` in
  /// -1...``maximumCount``.
  ///
  /// - Parameter path: Prefix for field names in errors, e.g. `streams[1].`.
  public init(json: JSONValue, path: String = "") throws(ProtocolError) {
    let reader = try JSONObjectReader(json, path: path, what: "stream result \(path)")
    id = Int(clamping: try reader.requiredInt("id"))
    bytes = try reader.requiredInt("bytes")
    retransmits = try reader.requiredInt("retransmits")
    guard (0...StreamResult.maximumCount).contains(bytes) else {
      throw .invalidValue(
        field: reader.fieldName("bytes"), reason: "must be 0...2^53, got \(bytes)")
    }
    guard (-1...StreamResult.maximumCount).contains(retransmits) else {
      throw .invalidValue(
        field: reader.fieldName("retransmits"), reason: "must be -1...2^53, got \(retransmits)")
    }
    jitter = try reader.requiredDouble("jitter")
    errors = try reader.requiredInt("errors")
    packets = try reader.requiredInt("packets")
    omittedErrors = try reader.optionalInt("omitted_errors")
    omittedPackets = try reader.optionalInt("omitted_packets")
    guard (omittedErrors == nil) == (omittedPackets == nil) else {
      throw .omittedCountsMismatch(streamID: id)
    }
    startTime = try reader.optionalDouble("start_time")
    endTime = try reader.optionalDouble("end_time")
  }
}
