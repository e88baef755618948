/// Reads an interface's counters from `<sysfs>/class/net/<if>/statistics/`.
public enum InterfaceCounters {
  /// Reads `tx_bytes`, `rx_bytes`, `tx_packets` and `rx_packets` of `interface`.
  ///
  /// - Parameters:
  ///   - interface: The interface name, e.g. `eth0` or `bond0`.
  ///   - roots: Where sysfs is mounted.
  ///   - timestamp: The time to record; defaults to now on the monotonic clock.
  /// - Throws: ``HostError`` if a counter file is missing or not a number.
  public static func read(
    interface: String, roots: HostRoots = .live,
    at timestamp: ContinuousClock.Instant = .now
  ) throws -> CounterSample {
    let dir = roots.netClass(interface) + "/statistics/"
    func counter(_ file: String) throws -> UInt64 {
      let path = dir + file
      let text = try HostFile.read(path).filter { !$0.isWhitespace }
      guard let value = UInt64(text) else { throw HostError.malformed(path: path, text: text) }
      return value
    }
    return CounterSample(
      interface: interface,
      txBytes: try counter("tx_bytes"), rxBytes: try counter("rx_bytes"),
      txPackets: try counter("tx_packets"), rxPackets: try counter("rx_packets"),
      timestamp: timestamp)
  }

  /// Reads several interfaces at (nearly) the same moment, sharing one timestamp.
  public static func read(
    interfaces: [String], roots: HostRoots = .live,
    at timestamp: ContinuousClock.Instant = .now
  ) throws -> [CounterSample] {
    try interfaces.map { try read(interface: $0, roots: roots, at: timestamp) }
  }
}
