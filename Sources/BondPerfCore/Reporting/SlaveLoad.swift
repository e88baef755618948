/// What one slave was predicted to carry in one direction on one host, and
/// what its counter says it did.
///
/// A stream's data leaves the sending host on the slave its hash picks and,
/// on a direct link (the testbed's, a back-to-back cable), arrives on the
/// receiving host's slave of the same index; layer3+4 and layer2 hash both
/// directions alike (`bond_xmit_hash()` XORs source and destination), so one
/// predicted slave stands for both ends.
/// See https://www.kernel.org/doc/Documentation/networking/bonding.rst
/// ("xmit_hash_policy").
public struct SlaveLoad: Sendable, Hashable {
  /// The streams whose data this slave should carry in this direction.
  public var streams: [ConnectedStream]
  /// The counter's bytes in this direction.
  public var bytes: Int64
  /// The bytes this slave should have carried: the direction's counter total
  /// split by the predicted streams' own byte counts.
  public var expected: Double
  /// The direction's counter total split evenly over the predicted streams:
  /// what the slave should carry if every stream got its fair share.
  public var fairShare: Double
  /// The direction's counter total over every slave.
  public var total: Int64

  /// At least 1 MiB, or 5% of the direction's traffic, where no stream was
  /// predicted: more than acknowledgements and the control connection.
  public var isUnexpected: Bool {
    streams.isEmpty && Double(bytes) > max(0.05 * Double(total), 1_048_576)
  }

  /// Streams were predicted here but the slave carried under a quarter of
  /// their fair share (a stream that moved nothing still deserved one).
  public var isIdle: Bool { !streams.isEmpty && Double(bytes) < 0.25 * fairShare }

  /// The slave carried over 1.75 times its predicted share (and at least 1 MiB more):
  /// streams predicted elsewhere landed here.
  public var isMispredicted: Bool {
    !streams.isEmpty && Double(bytes) > 1.75 * expected
      && Double(bytes) - expected > 1_048_576
  }

  /// The loads of every slave in `totals` for data in one direction.
  ///
  /// - Parameters:
  ///   - streams: The streams whose data goes this way on this host.
  ///   - counter: The counter that carries it (tx for data this host sends).
  ///   - weights: Each stream's bytes by id; streams without one weigh as
  ///     much as the average (an interrupted test has no totals).
  static func loads(
    streams: [ConnectedStream], totals: [SlaveSample], counter: (SlaveSample) -> Int64,
    weights: [Int: Int64]
  ) -> [Int: SlaveLoad] {
    let predicted = streams.filter { $0.predictedSlave != nil }
    let known = predicted.compactMap { weights[$0.id] }
    let average = known.isEmpty ? 1 : Double(known.reduce(0, +)) / Double(known.count)
    func weight(_ stream: ConnectedStream) -> Double {
      weights[stream.id].map(Double.init) ?? average
    }
    let allWeight = predicted.reduce(0) { $0 + weight($1) }
    let total = totals.reduce(Int64(0)) { $0 + counter($1) }
    var loads: [Int: SlaveLoad] = [:]
    for sample in totals {
      let here = predicted.filter { $0.predictedSlave == sample.index }
      let share = allWeight > 0 ? here.reduce(0) { $0 + weight($1) } / allWeight : 0
      let fair = predicted.isEmpty ? 0 : Double(here.count) / Double(predicted.count)
      loads[sample.index] = SlaveLoad(
        streams: here, bytes: counter(sample), expected: share * Double(total),
        fairShare: fair * Double(total), total: total)
    }
    return loads
  }
}
