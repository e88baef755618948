/// A bond as bondperf knows it for one test: how it hashes, its slaves, and
/// what was predicted and measured per slave.
public struct BondDescription: Sendable, Hashable {
  /// Where the description came from: "kernel bond bond0" or "described (--bond-policy)".
  public var origin: String
  public var model: BondHashModel
  /// Usable slaves in enslave order; empty when only a count was given.
  public var slaveNames: [String]
  public var slaveCount: Int
  public var peerSlaveCount: Int?

  public init(
    origin: String, model: BondHashModel, slaveNames: [String], slaveCount: Int,
    peerSlaveCount: Int?
  ) {
    self.origin = origin
    self.model = model
    self.slaveNames = slaveNames
    self.slaveCount = slaveCount
    self.peerSlaveCount = peerSlaveCount
  }

  public func name(of slave: Int) -> String {
    slave < slaveNames.count ? slaveNames[slave] : "slave \(slave)"
  }

  /// One line: mode, policy, slaves, kernel variant.
  public var summaryLine: String {
    let names = slaveNames.isEmpty ? "" : " (\(slaveNames.joined(separator: ", ")))"
    return
      "bond: \(origin): \(model.mode.rawValue) \(model.policy.rawValue), \(slaveCount) usable "
      + "slaves\(names), kernel \(model.kernel) hash variant"
  }

  /// The one line a client prints when the route to the server holds no bond
  /// it can see: the device it found, and the flags that describe a bond.
  public static func noneFoundLine(server: IPAddress, device: String?) -> String {
    let via = device.map { "the route to \(server) leaves on \($0), which is not a bond" }
    return "bond: none found (\(via ?? "no local device found for \(server)")); name one with "
      + "--bond, or describe it with --bond-policy and --slaves"
  }
}
