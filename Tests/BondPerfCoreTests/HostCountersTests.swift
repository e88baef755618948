import Testing

@testable import BondPerfCore

struct HostCountersTests {
  @Test func readsStatisticsFiles() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    let sample = try InterfaceCounters.read(interface: "eth1", roots: roots)
    #expect(sample.interface == "eth1")
    #expect(sample.txBytes == 406_273_645_012)
    #expect(sample.rxBytes == 437_665_544_332)
    #expect(sample.txPackets == 271_345_678)
    #expect(sample.rxPackets == 298_765_432)
  }

  @Test func readsSeveralInterfacesWithOneTimestamp() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    let now = ContinuousClock.now
    let samples = try InterfaceCounters.read(interfaces: ["eth0", "eth1"], roots: roots, at: now)
    #expect(samples.map(\.timestamp) == [now, now])
    #expect(samples.map(\.txBytes) == [512_000_000_000, 406_273_645_012])
  }

  @Test func deltaGivesBitsPerSecond() {
    let start = ContinuousClock.now
    let first = CounterSample(
      interface: "eth0", txBytes: 1_000, rxBytes: 5_000, txPackets: 10, rxPackets: 50,
      timestamp: start)
    let second = CounterSample(
      interface: "eth0", txBytes: 1_000 + 1_250_000_000, rxBytes: 5_000 + 125_000, txPackets: 1_010,
      rxPackets: 150, timestamp: start.advanced(by: .seconds(2)))
    let delta = second.delta(since: first)
    #expect(delta.seconds == 2)
    #expect(delta.txBytes == 1_250_000_000)
    #expect(delta.txBitsPerSecond == 5_000_000_000)
    #expect(delta.rxBitsPerSecond == 500_000)
    #expect(delta.txPacketsPerSecond == 500)
    #expect(delta.rxPacketsPerSecond == 50)
  }

  @Test func counterResetCountsAsZero() {
    let start = ContinuousClock.now
    let first = CounterSample(
      interface: "eth0", txBytes: 9_000, rxBytes: 9_000, txPackets: 9, rxPackets: 9,
      timestamp: start)
    let second = CounterSample(
      interface: "eth0", txBytes: 100, rxBytes: 9_800, txPackets: 1, rxPackets: 10,
      timestamp: start.advanced(by: .milliseconds(500)))
    let delta = second.delta(since: first)
    #expect(delta.txBytes == 0)
    #expect(delta.rxBytes == 800)
    #expect(delta.rxBitsPerSecond == 12_800)
  }

  @Test func emptyIntervalHasZeroRate() {
    let now = ContinuousClock.now
    let sample = CounterSample(
      interface: "eth0", txBytes: 1, rxBytes: 1, txPackets: 1, rxPackets: 1, timestamp: now)
    #expect(sample.delta(since: sample).txBitsPerSecond == 0)
  }

  @Test func missingInterfaceIsAnError() throws {
    let roots = try HostFixtures.roots(HostFixtures.lacp)
    let error = #expect(throws: HostError.self) {
      _ = try InterfaceCounters.read(interface: "eth9", roots: roots)
    }
    #expect(error?.description.hasSuffix("eth9/statistics/tx_bytes: no such file") == true)
  }
}
