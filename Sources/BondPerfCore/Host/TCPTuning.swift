import Foundation

/// The host's TCP buffer sysctls, which bound the window a single stream can use.
public struct TCPTuning: Hashable, Sendable, Codable {
  /// `net.ipv4.tcp_window_scaling` (windows above 64 KiB need it).
  public var windowScaling: Bool?
  /// `net.core.rmem_max`: the cap on an explicit `SO_RCVBUF` (e.g. `-w`).
  public var rmemMax: Int?
  /// `net.core.wmem_max`: the cap on an explicit `SO_SNDBUF`.
  public var wmemMax: Int?
  /// `net.ipv4.tcp_rmem`: min, default, max of the auto-tuned receive buffer.
  public var tcpRmem: [Int]?
  /// `net.ipv4.tcp_wmem`: min, default, max of the auto-tuned send buffer.
  public var tcpWmem: [Int]?

  /// Creates a value; `nil` fields mean "unreadable".
  public init(
    windowScaling: Bool? = nil, rmemMax: Int? = nil, wmemMax: Int? = nil,
    tcpRmem: [Int]? = nil, tcpWmem: [Int]? = nil
  ) {
    self.windowScaling = windowScaling
    self.rmemMax = rmemMax
    self.wmemMax = wmemMax
    self.tcpRmem = tcpRmem
    self.tcpWmem = tcpWmem
  }

  /// Reads the sysctls from `<procfs>/sys/net/...`; unreadable ones stay `nil`.
  public static func read(roots: HostRoots = .live) -> TCPTuning {
    func numbers(_ name: String) -> [Int]? {
      let path = roots.procfs("sys/" + name.replacingOccurrences(of: ".", with: "/"))
      guard let text = HostFile.nonEmptyValue(path) else { return nil }
      let values = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
      return values.isEmpty ? nil : values
    }
    return TCPTuning(
      windowScaling: numbers("net.ipv4.tcp_window_scaling")?.first.map { $0 != 0 },
      rmemMax: numbers("net.core.rmem_max")?.first,
      wmemMax: numbers("net.core.wmem_max")?.first,
      tcpRmem: numbers("net.ipv4.tcp_rmem"),
      tcpWmem: numbers("net.ipv4.tcp_wmem"))
  }

  /// The bandwidth-delay product in bytes.
  public static func bandwidthDelayProduct(
    bandwidthBitsPerSecond: Double, rttSeconds: Double
  ) -> Double {
    bandwidthBitsPerSecond * rttSeconds / 8
  }

  /// Compares each buffer limit with the bandwidth-delay product.
  ///
  /// A limit at or above the BDP is `ok`. The auto-tuned maxima
  /// (`tcp_rmem`/`tcp_wmem`) below it are warnings: a single stream can't
  /// fill the path. `rmem_max`/`wmem_max` below it only cap explicit socket
  /// buffers, so they are `info`. Each non-ok finding names the sysctl to set,
  /// with a value of twice the BDP rounded up to a MiB.
  public func assess(bandwidthBitsPerSecond: Double, rttSeconds: Double) -> [TuningFinding] {
    let bdp = Self.bandwidthDelayProduct(
      bandwidthBitsPerSecond: bandwidthBitsPerSecond, rttSeconds: rttSeconds)
    let mib = 1024.0 * 1024.0
    let suggested = Int(max(1, (2 * bdp / mib).rounded(.up)) * mib)
    let bdpText = Units.hostBytes(bdp)
    var findings: [TuningFinding] = []

    switch windowScaling {
    case false:
      findings.append(
        TuningFinding(
          sysctl: "net.ipv4.tcp_window_scaling", level: .warning,
          message: "tcp_window_scaling is off: windows are capped at 64 KiB "
            + "(BDP \(bdpText)); set sysctl -w net.ipv4.tcp_window_scaling=1"))
    case true:
      findings.append(
        TuningFinding(
          sysctl: "net.ipv4.tcp_window_scaling", level: .ok, message: "tcp_window_scaling on: ok"))
    case nil:
      break
    }

    func triple(_ name: String, _ short: String, _ values: [Int]?) {
      guard let values, values.count == 3 else { return }
      let limit = Double(values[2])
      let limitText = Units.hostBytes(limit)
      if limit >= bdp {
        findings.append(
          TuningFinding(
            sysctl: name, level: .ok, message: "\(short) max \(limitText) ≥ BDP \(bdpText): ok"))
      } else {
        findings.append(
          TuningFinding(
            sysctl: name, level: .warning,
            message: "\(short) max \(limitText) < BDP \(bdpText): one stream can't fill the path; "
              + "set sysctl -w \(name)='\(values[0]) \(values[1]) \(suggested)'"))
      }
    }
    func single(_ name: String, _ short: String, _ value: Int?) {
      guard let value else { return }
      let limitText = Units.hostBytes(Double(value))
      if Double(value) >= bdp {
        findings.append(
          TuningFinding(
            sysctl: name, level: .ok, message: "\(short) \(limitText) ≥ BDP \(bdpText): ok"))
      } else {
        findings.append(
          TuningFinding(
            sysctl: name, level: .info,
            message: "\(short) \(limitText) < BDP \(bdpText): an explicit socket buffer (-w) "
              + "is capped; set sysctl -w \(name)=\(suggested)"))
      }
    }
    triple("net.ipv4.tcp_rmem", "tcp_rmem", tcpRmem)
    triple("net.ipv4.tcp_wmem", "tcp_wmem", tcpWmem)
    single("net.core.rmem_max", "rmem_max", rmemMax)
    single("net.core.wmem_max", "wmem_max", wmemMax)
    return findings
  }
}
