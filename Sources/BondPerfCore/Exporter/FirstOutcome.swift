import Synchronization

/// The first of two racing tasks' answers to a probe (the runner's, or the
/// backstop's failure): it resumes the waiting probe once; the other is dropped.
final class FirstOutcome: Sendable {
  private struct State {
    var continuation: CheckedContinuation<ProbeOutcome, Never>?
    var outcome: ProbeOutcome?
    var done = false
    var onResume: (@Sendable () -> Void)?
  }

  private let state = Mutex(State())

  /// The probe's continuation; an answer already there resumes it at once.
  func set(_ continuation: CheckedContinuation<ProbeOutcome, Never>) {
    let early = state.withLock { state -> ProbeOutcome? in
      guard let outcome = state.outcome, !state.done else {
        state.continuation = continuation
        return nil
      }
      state.done = true
      return outcome
    }
    if let early { continuation.resume(returning: early) }
  }

  /// Runs `action` after the first answer (at once if it came already).
  func onResume(_ action: @escaping @Sendable () -> Void) {
    let now = state.withLock { state -> Bool in
      if state.done { return true }
      state.onResume = action
      return false
    }
    if now { action() }
  }

  /// Answers the probe unless an answer came first.
  func resume(with outcome: ProbeOutcome) {
    let (continuation, action) = state.withLock {
      state -> (CheckedContinuation<ProbeOutcome, Never>?, (@Sendable () -> Void)?) in
      guard !state.done, state.outcome == nil else { return (nil, nil) }
      guard let continuation = state.continuation else {
        state.outcome = outcome
        return (nil, nil)
      }
      state.done = true
      return (continuation, state.onResume)
    }
    continuation?.resume(returning: outcome)
    action?()
  }
}
