/// When a control message must start arriving and when it must be complete.
///
/// A silent peer is dropped after the first-byte timeout; one that trickles
/// bytes is dropped when the whole-message deadline passes.
struct MessageDeadline: Sendable {
  var firstByte: ContinuousClock.Instant
  var complete: ContinuousClock.Instant

  init(
    firstByteWithin: Duration, completeWithin: Duration, from start: ContinuousClock.Instant = .now
  ) {
    firstByte = start + firstByteWithin
    complete = start + max(completeWithin, firstByteWithin)
  }

  /// The same instant for both.
  init(_ instant: ContinuousClock.Instant) {
    firstByte = instant
    complete = instant
  }

  /// The deadline that applies with or without part of the message buffered.
  func current(started: Bool) -> ContinuousClock.Instant { started ? complete : firstByte }
}
