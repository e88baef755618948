import Synchronization
import Testing

@testable import BondPerfCore

/// IntervalClock, MessageDeadline and TestLimits: the engine's pure timing and
/// counting rules, driven with made-up instants and counts.
struct EngineTimingTests {
  let start = ContinuousClock.now

  func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

  // MARK: - IntervalClock

  @Test func ticksExactlyAtEachBoundaryAndNotBefore() {
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 0)
    #expect(clock.advance(to: start) == .none)
    #expect(clock.advance(to: at(999)) == .none)
    #expect(clock.advance(to: at(1000)) == .tick)
    #expect(clock.advance(to: at(1000)) == .none, "one tick per boundary")
    #expect(clock.advance(to: at(1999)) == .none)
    #expect(clock.advance(to: at(2000)) == .tick)
  }

  /// A late wake-up doesn't push the following ticks back: they stay on the grid.
  @Test func lateTickKeepsTheGrid() {
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 0)
    #expect(clock.advance(to: at(1300)) == .tick)
    #expect(clock.lastTick == at(1300))
    #expect(clock.nextTick == at(2000))
    #expect(clock.advance(to: at(1999)) == .none)
    #expect(clock.advance(to: at(2000)) == .tick)
  }

  @Test func fractionalIntervals() {
    var clock = IntervalClock(start: start, intervalSeconds: 0.25, omitSeconds: 0)
    #expect(clock.advance(to: at(249)) == .none)
    #expect(clock.advance(to: at(250)) == .tick)
    #expect(clock.advance(to: at(500)) == .tick)
  }

  /// The end of the omit period wins over a tick due at the same instant, and the
  /// ticks restart from it.
  @Test func omitEndRestartsTheTicks() {
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 2)
    #expect(clock.wake(before: at(60_000)) == at(1000))
    #expect(clock.advance(to: at(1000)) == .tick, "an omitted interval")
    #expect(clock.advance(to: at(1999)) == .none)
    #expect(clock.advance(to: at(2010)) == .omitEnd)
    #expect(clock.omitEnd == nil)
    #expect(clock.advance(to: at(2010)) == .none, "the omit period ends once")
    #expect(clock.advance(to: at(3009)) == .none)
    #expect(clock.advance(to: at(3010)) == .tick)
  }

  @Test func wakesAtTheEarliestOfTickOmitEndAndLimit() {
    let clock = IntervalClock(start: start, intervalSeconds: 5, omitSeconds: 1)
    #expect(clock.wake(before: at(60_000)) == at(1000), "the omit period ends first")
    #expect(clock.wake(before: at(300)) == at(300), "the limit is earlier still")
    let ticking = IntervalClock(start: start, intervalSeconds: 2, omitSeconds: 0)
    #expect(ticking.wake(before: at(60_000)) == at(2000))
  }

  /// `-i 0`: no ticks, and the final interval is the one covering the whole test.
  @Test func zeroIntervalNeverTicksButKeepsOneIntervalForTheTest() {
    var clock = IntervalClock(start: start, intervalSeconds: 0, omitSeconds: 0)
    #expect(clock.interval == nil)
    #expect(clock.wake(before: at(5000)) == at(5000))
    #expect(clock.advance(to: at(100_000)) == .none)
    #expect(clock.keepsFinal(at: at(100_000), bytes: 1 << 20))
    #expect(clock.lastTick == start)
  }

  /// iperf3 drops a last interval shorter than a tenth of the interval that moved
  /// nothing; a short one that moved bytes, or a long enough empty one, is kept.
  @Test func finalIntervalIsDroppedOnlyWhenShortAndEmpty() {
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 0)
    #expect(clock.advance(to: at(1000)) == .tick)
    #expect(!clock.keepsFinal(at: at(1050), bytes: 0))
    #expect(clock.keepsFinal(at: at(1050), bytes: 1))
    #expect(clock.keepsFinal(at: at(1100), bytes: 0), "exactly a tenth is kept")
    #expect(clock.keepsFinal(at: at(1900), bytes: 0))
  }

  // MARK: - MessageDeadline

  @Test func messageDeadlineStartsBothClocksFromTheStart() {
    let deadline = MessageDeadline(
      firstByteWithin: .seconds(1), completeWithin: .seconds(3), from: start)
    #expect(deadline.firstByte == at(1000))
    #expect(deadline.complete == at(3000))
    #expect(deadline.current(started: false) == at(1000), "nothing buffered: first byte")
    #expect(deadline.current(started: true) == at(3000), "part buffered: the whole message")
  }

  /// A whole-message limit shorter than the first-byte one can't cut a message off
  /// before its first byte was even due.
  @Test func messageDeadlineCompleteIsNeverBeforeTheFirstByte() {
    let deadline = MessageDeadline(
      firstByteWithin: .seconds(2), completeWithin: .milliseconds(500), from: start)
    #expect(deadline.complete == deadline.firstByte)
    #expect(deadline.current(started: true) == at(2000))
    let single = MessageDeadline(at(700))
    #expect(single.current(started: false) == at(700) && single.current(started: true) == at(700))
  }

  // MARK: - TestLimits

  @Test func noLimitIsNeverReached() {
    let limits = TestLimits(byteLimit: 0, blockLimit: 0)
    #expect(!limits.hasLimit)
    limits.sentBytes.store(.max, ordering: .relaxed)
    limits.receivedBlocks.store(.max, ordering: .relaxed)
    #expect(!limits.sendingDone && !limits.reached)
  }

  @Test func byteLimitIsReachedAtTheLimitNotBefore() {
    let limits = TestLimits(byteLimit: 1000, blockLimit: 0)
    #expect(limits.hasLimit)
    limits.sentBytes.store(999, ordering: .relaxed)
    #expect(!limits.sendingDone && !limits.reached)
    limits.sentBytes.store(1000, ordering: .relaxed)
    #expect(limits.sendingDone && limits.reached)
  }

  /// Received bytes end the test (a -R client only receives) but never stop senders.
  @Test func receivedBytesReachTheLimitWithoutStoppingSenders() {
    let limits = TestLimits(byteLimit: 1000, blockLimit: 0)
    limits.receivedBytes.store(1000, ordering: .relaxed)
    #expect(limits.reached)
    #expect(!limits.sendingDone)
  }

  @Test func blockLimitCountsBlocksInEitherDirection() {
    let limits = TestLimits(byteLimit: 0, blockLimit: 4)
    #expect(limits.hasLimit)
    limits.sentBytes.store(1 << 40, ordering: .relaxed)
    #expect(!limits.reached, "bytes don't count against -k")
    limits.sentBlocks.store(4, ordering: .relaxed)
    #expect(limits.sendingDone)
    let receiving = TestLimits(byteLimit: 0, blockLimit: 4)
    receiving.receivedBlocks.store(3, ordering: .relaxed)
    #expect(!receiving.reached)
    receiving.receivedBlocks.store(4, ordering: .relaxed)
    #expect(receiving.reached && !receiving.sendingDone)
  }

  /// The omit period's end starts every total again.
  @Test func resetClearsEveryTotal() {
    let limits = TestLimits(byteLimit: 10, blockLimit: 10)
    limits.sentBytes.store(10, ordering: .relaxed)
    limits.sentBlocks.store(10, ordering: .relaxed)
    limits.receivedBytes.store(10, ordering: .relaxed)
    limits.receivedBlocks.store(10, ordering: .relaxed)
    #expect(limits.reached)
    limits.reset()
    #expect(!limits.reached && !limits.sendingDone)
    #expect(limits.hasLimit, "the limits themselves stay")
  }
}
