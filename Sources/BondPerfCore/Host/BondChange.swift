/// How a bond changed between two readings, e.g. before and after a test: slaves
/// whose link failed, and the usable slaves the driver spreads flows over.
///
/// In balance-xor and 802.3ad the driver hashes each flow over the usable slaves
/// (`hash % count`), so when one fails every stream may move, not only those on the
/// failed slave; ``streamMoves`` says where each went.
public struct BondChange: Hashable, Sendable {
  /// One slave whose link failed (or is down) at the second reading.
  public struct Failure: Hashable, Sendable {
    public var name: String
    /// `MII Status` at the second reading.
    public var miiStatus: LinkStatus
    /// The driver's `Link Failure Count` at the first and second readings.
    public var failuresBefore: Int
    public var failuresAfter: Int
  }

  /// Where a stream's data left after the change, by the hash over the usable
  /// slaves left.
  public struct StreamMove: Hashable, Sendable {
    /// The stream's socket (the `[ NN]` tag).
    public var socket: Int32
    public var before: String?
    public var after: String?

    public init(socket: Int32, before: String?, after: String?) {
      self.socket = socket
      self.before = before
      self.after = after
    }
  }

  public var usableBefore: [String]
  public var usableAfter: [String]
  public var failures: [Failure]
  public var streamMoves: [StreamMove] = []

  /// Compares two readings of the same bond; `nil` when the usable slaves are the
  /// same and no link failed in between.
  public init?(before: BondInfo, after: BondInfo) {
    usableBefore = before.usableSlaves
    usableAfter = after.usableSlaves
    failures = after.slaves.compactMap { slave in
      let old = before.slaves.first { $0.name == slave.name }
      let failuresBefore = old?.linkFailureCount ?? 0
      guard
        slave.linkFailureCount > failuresBefore || (old?.miiStatus == .up && slave.miiStatus != .up)
      else { return nil }
      return Failure(
        name: slave.name, miiStatus: slave.miiStatus, failuresBefore: failuresBefore,
        failuresAfter: slave.linkFailureCount)
    }
    if failures.isEmpty && usableBefore == usableAfter { return nil }
  }

  /// The change as the `bond.change` JSON member.
  public var json: JSONValue {
    .object([
      ("usable_slaves_before", .array(usableBefore.map { .string($0) })),
      ("usable_slaves_after", .array(usableAfter.map { .string($0) })),
      (
        "failed_slaves",
        .array(
          failures.map {
            .object([
              ("name", .string($0.name)), ("mii_status", .string($0.miiStatus.rawValue)),
              ("link_failures_before", .int(Int64($0.failuresBefore))),
              ("link_failures_after", .int(Int64($0.failuresAfter))),
            ])
          })
      ),
      (
        "stream_moves",
        .array(
          streamMoves.map {
            .object([
              ("socket", .int(Int64($0.socket))),
              ("slave_before", $0.before.map { .string($0) } ?? .null),
              ("slave_after", $0.after.map { .string($0) } ?? .null),
            ])
          })
      ),
    ])
  }

  /// Lines for the text report, after the per-slave tables.
  public var lines: [String] {
    var lines: [String] = []
    for failure in failures {
      lines.append(
        "bond changed during the test: slave \(failure.name) is \(failure.miiStatus.rawValue) "
          + "(link failures \(failure.failuresBefore) → \(failure.failuresAfter))")
    }
    lines.append(
      "usable slaves: \(usableBefore.count) → \(usableAfter.count)"
        + " (\(usableAfter.isEmpty ? "none" : usableAfter.joined(separator: ", ")))")
    for move in streamMoves where move.before != move.after {
      lines.append(
        "stream [\(move.socket)] moved from \(move.before ?? "?") to \(move.after ?? "?") "
          + "(the driver re-hashes over the usable slaves)")
    }
    if !failures.isEmpty {
      lines.append(
        "note: the per-slave verdicts above judge the plan made at the start; "
          + "the counters include the traffic moved after the failure")
    }
    return lines
  }
}
