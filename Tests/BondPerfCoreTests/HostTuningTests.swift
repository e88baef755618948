import Testing

@testable import BondPerfCore

struct HostTuningTests {
  @Test func readsSysctls() throws {
    let tuning = TCPTuning.read(roots: try HostFixtures.roots(HostFixtures.lacp))
    #expect(
      tuning
        == TCPTuning(
          windowScaling: true, rmemMax: 212_992, wmemMax: 212_992,
          tcpRmem: [4096, 131_072, 6_291_456], tcpWmem: [4096, 16384, 4_194_304]))
  }

  @Test func bdpIsBandwidthTimesRTT() {
    #expect(
      TCPTuning.bandwidthDelayProduct(bandwidthBitsPerSecond: 10_000_000_000, rttSeconds: 0.001)
        == 1_250_000)
  }

  @Test func assessesBuffersAgainstTheBDP() throws {
    let tuning = TCPTuning(
      windowScaling: true, rmemMax: 212_992, wmemMax: 212_992,
      tcpRmem: [4096, 131_072, 6_291_456], tcpWmem: [4096, 16384, 1_048_576])
    let findings = tuning.assess(bandwidthBitsPerSecond: 20_000_000_000, rttSeconds: 0.001)
    let messages = findings.map(\.message)
    #expect(messages.contains("tcp_rmem max 6.00 MiB ≥ BDP 2.38 MiB: ok"))
    #expect(
      messages.contains(
        "tcp_wmem max 1.00 MiB < BDP 2.38 MiB: one stream can't fill the path; "
          + "set sysctl -w net.ipv4.tcp_wmem='4096 16384 5242880'"))
    let rmemMax = try #require(findings.first(where: { $0.sysctl == "net.core.rmem_max" }))
    #expect(rmemMax.level == .info)
    #expect(rmemMax.message.contains("208 KiB < BDP 2.38 MiB"))
    #expect(findings.first { $0.sysctl == "net.ipv4.tcp_window_scaling" }?.level == .ok)
  }

  @Test func windowScalingOffIsAWarning() {
    let findings = TCPTuning(windowScaling: false)
      .assess(bandwidthBitsPerSecond: 1_000_000_000, rttSeconds: 0.001)
    #expect(findings.count == 1)
    #expect(findings[0].level == .warning)
    #expect(findings[0].message.contains("sysctl -w net.ipv4.tcp_window_scaling=1"))
  }

  @Test func unitsFollowIperf3() {
    #expect(Units.hostBytes(6_291_456) == "6.00 MiB")
    #expect(Units.hostBytes(212_992) == "208 KiB")
    #expect(Units.hostBytes(512) == "512 B")
    #expect(Units.hostBitrate(20_000_000_000) == "20.0 Gbits/sec")
    #expect(Units.hostBitrate(940_000_000) == "940 Mbits/sec")
    #expect(Units.milliseconds(0.001) == "1 ms")
    #expect(Units.milliseconds(0.00025) == "0.25 ms")
  }
}

/// Reads the real kernel's pseudo-files, whose reported sizes are 0 or 4096.
struct HostLiveKernelTests {
  @Test func readsLiveSysctlsAndLoopbackCounters() throws {
    let tuning = TCPTuning.read(roots: .live)
    #expect(tuning.tcpRmem?.count == 3)
    #expect(tuning.rmemMax != nil)
    let sample = try InterfaceCounters.read(interface: "lo", roots: .live)
    #expect(sample.interface == "lo")
    #expect(!(try KernelRelease.read(roots: .live)).isEmpty)
  }
}
