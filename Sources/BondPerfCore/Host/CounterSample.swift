/// An interface's byte and packet counters at one moment.
public struct CounterSample: Hashable, Sendable {
  /// The interface the counters belong to.
  public var interface: String
  /// Bytes transmitted since the interface was created (`tx_bytes`).
  public var txBytes: UInt64
  /// Bytes received (`rx_bytes`).
  public var rxBytes: UInt64
  /// Packets transmitted (`tx_packets`).
  public var txPackets: UInt64
  /// Packets received (`rx_packets`).
  public var rxPackets: UInt64
  /// When the counters were read, on the monotonic clock.
  public var timestamp: ContinuousClock.Instant

  /// Creates a sample.
  public init(
    interface: String, txBytes: UInt64, rxBytes: UInt64, txPackets: UInt64, rxPackets: UInt64,
    timestamp: ContinuousClock.Instant
  ) {
    self.interface = interface
    self.txBytes = txBytes
    self.rxBytes = rxBytes
    self.txPackets = txPackets
    self.rxPackets = rxPackets
    self.timestamp = timestamp
  }

  /// The change from `earlier` to this sample.
  ///
  /// A counter that went backwards (the interface was re-created) counts as 0.
  public func delta(since earlier: CounterSample) -> CounterDelta {
    func diff(_ now: UInt64, _ then: UInt64) -> UInt64 { now >= then ? now - then : 0 }
    return CounterDelta(
      interface: interface,
      txBytes: diff(txBytes, earlier.txBytes),
      rxBytes: diff(rxBytes, earlier.rxBytes),
      txPackets: diff(txPackets, earlier.txPackets),
      rxPackets: diff(rxPackets, earlier.rxPackets),
      seconds: earlier.timestamp.duration(to: timestamp).inSeconds)
  }
}

/// The counter changes over an interval, with rates.
public struct CounterDelta: Hashable, Sendable, Codable {
  /// The interface the counters belong to.
  public var interface: String
  /// Bytes transmitted during the interval.
  public var txBytes: UInt64
  /// Bytes received during the interval.
  public var rxBytes: UInt64
  /// Packets transmitted during the interval.
  public var txPackets: UInt64
  /// Packets received during the interval.
  public var rxPackets: UInt64
  /// The interval's length in seconds.
  public var seconds: Double

  /// Creates a delta.
  public init(
    interface: String, txBytes: UInt64, rxBytes: UInt64, txPackets: UInt64, rxPackets: UInt64,
    seconds: Double
  ) {
    self.interface = interface
    self.txBytes = txBytes
    self.rxBytes = rxBytes
    self.txPackets = txPackets
    self.rxPackets = rxPackets
    self.seconds = seconds
  }

  /// Transmit rate in bit/s (0 for an empty interval).
  public var txBitsPerSecond: Double { rate(txBytes * 8) }
  /// Receive rate in bit/s (0 for an empty interval).
  public var rxBitsPerSecond: Double { rate(rxBytes * 8) }
  /// Transmit rate in packets/s.
  public var txPacketsPerSecond: Double { rate(txPackets) }
  /// Receive rate in packets/s.
  public var rxPacketsPerSecond: Double { rate(rxPackets) }

  private func rate(_ count: UInt64) -> Double {
    seconds > 0 ? Double(count) / seconds : 0
  }
}
