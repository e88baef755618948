import Testing

@testable import BondPerfCore

/// The stall rule: a stream idle for the window while another moved within it.
struct StallDetectorTests {
  @Test func streamThatStopsWhileOthersMoveIsStalledOnce() {
    var detector = StallDetector(streams: 3, window: 2)
    var bytes: [Int64] = [0, 0, 0]
    var found: [StallDetector.Stall] = []
    // Every 0.1 s all three move until 1.5 s; then stream 1 stops.
    for tick in 1...40 {
      let now = Double(tick) / 10
      for index in 0..<3 where index != 1 || now <= 1.5 { bytes[index] += 1000 }
      let findings = detector.observe(bytes: bytes, at: now)
      found += findings.newlyStalled
      #expect(findings.allIdleFor == 0)
      if now < 3.5 { #expect(findings.newlyStalled.isEmpty, "too early at \(now)") }
    }
    #expect(found == [StallDetector.Stall(index: 1, lastMoved: 1.5)])
    #expect(detector.stalled == [1])
  }

  @Test func stalledStreamThatMovesAgainIsResumed() {
    var detector = StallDetector(streams: 2, window: 2)
    _ = detector.observe(bytes: [10, 10], at: 0.5)
    let stalled = detector.observe(bytes: [20, 10], at: 2.5)
    #expect(stalled.newlyStalled == [StallDetector.Stall(index: 1, lastMoved: 0.5)])
    let resumed = detector.observe(bytes: [30, 11], at: 3)
    #expect(resumed.resumed == [1])
    #expect(resumed.newlyStalled.isEmpty)
    #expect(detector.stalled.isEmpty)
  }

  @Test func whenNothingMovesNoStreamIsSingledOut() {
    var detector = StallDetector(streams: 2, window: 2)
    _ = detector.observe(bytes: [5, 5], at: 1)
    let findings = detector.observe(bytes: [5, 5], at: 11)
    #expect(findings.newlyStalled.isEmpty)
    #expect(findings.allIdleFor == 10)
  }

  @Test func singleStreamNeverStallsAloneButGoesIdle() {
    var detector = StallDetector(streams: 1, window: 2)
    _ = detector.observe(bytes: [5], at: 1)
    let findings = detector.observe(bytes: [5], at: 4)
    #expect(findings.newlyStalled.isEmpty)
    #expect(findings.allIdleFor == 3)
  }

  @Test func streamThatNeverMovedIsStalledAfterTheWindow() {
    var detector = StallDetector(streams: 2, window: 2)
    #expect(detector.observe(bytes: [100, 0], at: 1.9).newlyStalled.isEmpty)
    let findings = detector.observe(bytes: [200, 0], at: 2.1)
    #expect(findings.newlyStalled == [StallDetector.Stall(index: 1, lastMoved: 0)])
  }

  @Test func warningNamesSocketsAndPredictedSlaves() {
    let streams = [
      StalledStream(id: 3, socket: 5, predictedSlave: 1, lastData: 1.5, idleFor: 2.04),
      StalledStream(id: 7, socket: 9, predictedSlave: 1, lastData: 1.5, idleFor: 2.1),
    ]
    #expect(
      TextReport.stallWarning(streams, slaveNames: ["s0", "s1"])
        == "bondperf: warning - streams 5, 9 stalled (no data for 2.0 s); predicted slave s1")
    #expect(
      TextReport.stallWarning([
        StalledStream(id: 1, socket: 4, predictedSlave: nil, lastData: 0, idleFor: 3)
      ])
        == "bondperf: warning - stream 4 stalled (no data for 3.0 s)")
  }
}
