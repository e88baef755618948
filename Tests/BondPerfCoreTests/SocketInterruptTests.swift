import Foundation
import Glibc
import Synchronization
import Testing

@testable import BondPerfCore

/// How many `SIGUSR1`s the test handler has seen.
private let signalsSeen = Atomic<Int>(0)

/// A flag another thread can read.
private final class StopFlag: Sendable {
  let stopped = Atomic<Bool>(false)
}

/// Runs `body` while another thread sends `SIGUSR1` to this thread every 5 ms.
///
/// The handler is installed without `SA_RESTART`, so blocking calls fail with `EINTR`.
/// The signal thread is stopped before the mask and handler are restored.
private func withSignalsFlying<Result>(_ body: () throws -> Result) rethrows -> Result {
  var action = sigaction()
  action.__sigaction_handler.sa_handler = { _ in signalsSeen.add(1, ordering: .relaxed) }
  sigemptyset(&action.sa_mask)
  action.sa_flags = 0
  var previous = sigaction()
  sigaction(SIGUSR1, &action, &previous)
  defer { sigaction(SIGUSR1, &previous, nil) }
  // Test threads are Dispatch workers, which block all signals: unblock this one here.
  var unblock = sigset_t()
  sigemptyset(&unblock)
  sigaddset(&unblock, SIGUSR1)
  var previousMask = sigset_t()
  pthread_sigmask(SIG_UNBLOCK, &unblock, &previousMask)
  defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }

  let target = pthread_self()
  let flag = StopFlag()
  let finished = DispatchSemaphore(value: 0)
  Thread.detachNewThread {
    while !flag.stopped.load(ordering: .relaxed) {
      pthread_kill(target, SIGUSR1)
      usleep(5_000)
    }
    finished.signal()
  }
  defer {
    flag.stopped.store(true, ordering: .relaxed)
    finished.wait()
  }
  return try body()
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SocketInterruptTests {
  @Test func pollKeepsItsDeadlineAcrossSignals() throws {
    let listener = try makeListener("127.0.0.1")
    let before = signalsSeen.load(ordering: .relaxed)
    let start = ContinuousClock.now
    let readable = try withSignalsFlying { try listener.waitReadable(timeout: .milliseconds(300)) }
    let elapsed = ContinuousClock.now - start
    #expect(readable == false)
    #expect(elapsed >= .milliseconds(290))
    #expect(elapsed < .seconds(2), "each EINTR must wait only for the time left")
    #expect(signalsSeen.load(ordering: .relaxed) - before > 5, "signals should interrupt poll")
  }

  @Test func receiveAndConnectSurviveSignals() throws {
    let listener = try makeListener("127.0.0.1")
    let client = try Socket(family: .ipv4)
    try withSignalsFlying {
      try client.connect(to: try listener.localAddress, timeout: .seconds(5))
    }
    let accepted = try listener.accept()
    let connection = accepted.socket
    let descriptor = client.descriptor
    DispatchQueue(label: "late sender").asyncAfter(deadline: .now() + .milliseconds(200)) {
      let alias = Socket(adopting: descriptor)
      try? alias.sendAll([42])
      _ = alias.releaseDescriptor()
    }
    let before = signalsSeen.load(ordering: .relaxed)
    var buffer = [UInt8](repeating: 0, count: 4)
    let count = try withSignalsFlying {
      try buffer.withUnsafeMutableBytes { try connection.receive(into: $0) }
    }
    #expect(count == 1 && buffer[0] == 42)
    #expect(signalsSeen.load(ordering: .relaxed) - before > 5)
  }
}
