import ArgumentParser
import BondPerfCore

/// `-b RATE[/BURST]` in iperf3's spelling: bits per second per stream, K/M/G in
/// 1000s, `0` for unlimited; BURST is 1...1000 blocks.
struct BitrateArgument: ExpressibleByArgument, Hashable {
  var bitsPerSecond: Int64
  var burst: Int?

  init?(argument: String) {
    let parts = argument.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard let rate = Units.parseRate(String(parts[0])) else { return nil }
    bitsPerSecond = rate
    if parts.count == 2 {
      guard let burst = Int(parts[1]) else { return nil }
      self.burst = burst
    }
  }
}

/// A rate in bits per second (`--fq-rate`), K/M/G in 1000s.
struct RateArgument: ExpressibleByArgument, Hashable {
  var bitsPerSecond: Int64
  init?(argument: String) {
    guard let value = Units.parseRate(argument) else { return nil }
    bitsPerSecond = value
  }
}

/// The client's UDP and rate flags (iperf3's `-u`, `-b`, `--pacing-timer`,
/// `--fq-rate`, `--udp-counters-64bit`).
struct UDPOptions: ParsableArguments {
  @Flag(name: [.customShort("u"), .customLong("udp")], help: "Use UDP rather than TCP.")
  var udp = false

  @Option(
    name: [.customShort("b", allowingJoined: true), .customLong("bitrate")],
    help: ArgumentHelp(
      "Target bitrate per stream in bits/sec, RATE[/BURST] (0 = unlimited).",
      discussion: "K, M, G in 1000s; the default is 1M for UDP, unlimited for TCP.",
      valueName: "rate[/burst]"))
  var bitrate: BitrateArgument?

  @Option(
    name: .customLong("pacing-timer"),
    help: ArgumentHelp(
      "Longest wait of a paced sender in microseconds (default 1000).",
      valueName: "us"))
  var pacingTimer: Int?

  @Option(
    name: .customLong("fq-rate"),
    help: ArgumentHelp(
      "Kernel pacing rate per stream in bits/sec (SO_MAX_PACING_RATE).",
      valueName: "rate"))
  var fqRate: RateArgument?

  @Flag(name: .customLong("udp-counters-64bit"), help: "Use 64-bit counters in UDP datagrams.")
  var counters64Bit = false

  func validate() throws {
    if let burst = bitrate?.burst, !(1...1000).contains(burst) {
      throw ValidationError("the burst in -b RATE/BURST must be between 1 and 1000, got \(burst).")
    }
    if let pacingTimer, !(1...1_000_000).contains(pacingTimer) {
      throw ValidationError(
        "--pacing-timer must be between 1 and 1000000 microseconds, got \(pacingTimer).")
    }
  }

  /// Checks `-l` against UDP's limits: a datagram holds the 12- or 16-byte header
  /// and fits in an IP packet.
  func validate(length: Int64?) throws {
    guard udp, let length else { return }
    let bounds = Int64(UDPDatagramHeader.minimumDatagram)...Int64(UDPDatagramHeader.maximumDatagram)
    guard bounds.contains(length) else {
      throw ValidationError(
        "-l must be between \(bounds.lowerBound) and \(bounds.upperBound) bytes with -u "
          + "(one datagram), got \(length).")
    }
  }

  /// Applies the flags to the parameters a client sends. Without `-l` a UDP test
  /// leaves the datagram size to the session, which takes the control
  /// connection's MSS as iperf3 does.
  func apply(to parameters: inout TestParameters, lengthGiven: Bool) {
    if udp {
      parameters.transport = .udp
      if !lengthGiven { parameters.length = nil }
    }
    let rate = bitrate?.bitsPerSecond ?? (udp ? UDPDefaults.bitrate : 0)
    parameters.bandwidth = rate > 0 ? rate : nil
    parameters.burst = bitrate?.burst
    if let pacingTimer { parameters.pacingTimer = pacingTimer }
    if let fqRate, fqRate.bitsPerSecond > 0 { parameters.fqRate = fqRate.bitsPerSecond }
    parameters.udpCounters64Bit = counters64Bit
  }
}
