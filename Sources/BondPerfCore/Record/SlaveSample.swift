/// Bytes one bond slave carried during an interval (or the whole test).
public struct SlaveSample: Sendable, Hashable, Codable {
  public var index: Int
  public var name: String?
  public var txBytes: Int64
  public var rxBytes: Int64
  public var seconds: Double

  public var txBitsPerSecond: Double { Units.rate(bytes: txBytes, seconds: seconds) }
  public var rxBitsPerSecond: Double { Units.rate(bytes: rxBytes, seconds: seconds) }
}
