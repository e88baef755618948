import Dispatch
import Foundation
import Synchronization

/// One TCP data connection of a test and the thread that moves its bytes.
///
/// The worker does blocking `send`/`recv` on a reusable buffer on its own
/// thread. It stops when ``stop(shutdown:)`` sets the flag and shuts the
/// socket down, which wakes a blocked call; a sender also looks at the flag
/// every ``sendWait``, so it can be stopped without a shutdown.
public final class DataStream: Sendable {
  /// The iperf3 stream id (1, 3, 4, ...).
  public let id: Int
  /// Whether this host sends on the stream.
  public let localSends: Bool
  public let connection: SharedSocket
  public let local: SocketAddress
  public let remote: SocketAddress
  /// The datagram counters of a UDP stream; nil for TCP.
  public let udp: UDPCounters?

  /// Bytes moved so far (sent or received), since the connection opened.
  let bytes = Atomic<Int64>(0)
  let stopping = Atomic<Bool>(false)
  private let failure = Mutex<SyscallError?>(nil)
  private let finished = DispatchSemaphore(value: 0)
  private let started = Atomic<Bool>(false)

  public init(
    id: Int, localSends: Bool, connection: SharedSocket, local: SocketAddress,
    remote: SocketAddress, udp: UDPCounters? = nil
  ) {
    self.udp = udp
    self.id = id
    self.localSends = localSends
    self.connection = connection
    self.local = local
    self.remote = remote
  }

  /// The socket's descriptor, shown as iperf3's `socket` and `[  5]` id.
  public var descriptor: Int32 { connection.descriptor }

  /// The error that stopped the worker, if it was not asked to stop.
  public var error: SyscallError? { failure.withLock { $0 } }

  /// Starts the worker thread.
  ///
  /// - Parameters:
  ///   - blockLength: Bytes per send (one block) or most bytes per receive; at most
  ///     ``StreamBuffers/maximumLength``.
  ///   - limits: The test's `-n` / `-k` limits, counted only when there are any.
  ///   - dataPath: `send` or `sendfile`; discard or copy what arrives.
  ///   - batchingReceives: Let a discarding receiver wait for
  ///     ``discardLowWaterMark`` bytes. Only for tests that end by time: a test that
  ///     ends by bytes or blocks must count what arrived before its last sample.
  ///   - pacer: `-b`: the sender's rate and burst.
  func start(
    blockLength: Int, limits: TestLimits, dataPath: DataPath = DataPath(),
    batchingReceives: Bool = true, pacer: Pacer = Pacer(rate: 0)
  ) {
    started.store(true, ordering: .relaxed)
    let length = min(max(blockLength, 1), StreamBuffers.maximumLength)
    let thread = Thread { [self] in
      if let udp {
        if localSends {
          udpSendLoop(length: length, limits: limits, pacer: pacer, udp: udp)
        } else {
          udpReceiveLoop(limits: limits, udp: udp)
        }
      } else if let path = dataPath.diskFile {
        if localSends {
          fileSendLoop(path: path, blockLength: length, limits: limits)
        } else {
          fileReceiveLoop(path: path, blockLength: length, limits: limits)
        }
      } else if localSends {
        sendLoop(
          blockLength: length, limits: limits, fromFile: dataPath.sendsFromFile,
          repeating: dataPath.repeatingPayload, pacer: pacer)
      } else {
        receiveLoop(
          blockLength: length, limits: limits, copying: dataPath.receiveCopies,
          batching: batchingReceives)
      }
      finished.signal()
    }
    thread.name = "bondperf-stream-\(id)"
    thread.stackSize = DataStream.stackSize
    thread.start()
  }

  /// Stack size of a worker thread: the loops need little, and untouched stack costs
  /// no resident memory anyway.
  static let stackSize = 256 << 10

  /// Asks the worker to stop and wakes it with `shutdown(2)`, or, with `how` nil, lets
  /// a sender see the flag within ``sendWait`` and leaves the connection as it is.
  func stop(shutdown how: ShutdownMode?) {
    stopping.store(true, ordering: .relaxed)
    if let how { try? connection.socket.shutdown(how) }
  }

  /// Stops every stream in `streams` first, then waits for each worker, so
  /// they all wind down in parallel.
  static func stopAll(
    _ streams: some Sequence<DataStream>, shutdown how: ShutdownMode?,
    timeout: Duration = .seconds(2)
  ) {
    for stream in streams { stream.stop(shutdown: how) }
    for stream in streams { stream.join(timeout: timeout) }
  }

  /// Waits until the peer's kernel has acknowledged everything `streams` wrote, so
  /// a test that ends by bytes or blocks ends with them received rather than still
  /// queued or in flight.
  ///
  /// - Parameters:
  ///   - streams: Sending streams whose workers have stopped.
  ///   - patience: Gives up when nothing more was acknowledged for this long, so a
  ///     cut path or a vanished peer cannot hold the test.
  /// - Returns: The bytes still unacknowledged when it returned; 0 when all arrived.
  @discardableResult
  static func awaitDelivery(of streams: [DataStream], patience: Duration = .seconds(1)) -> Int {
    var outstanding = Int.max
    var lastProgress = ContinuousClock.now
    while true {
      let now = streams.reduce(0) { sum, stream in
        sum + ((try? stream.connection.socket.unacknowledgedBytes) ?? 0)
      }
      if now == 0 { return 0 }
      if now < outstanding {
        outstanding = now
        lastProgress = .now
      } else if lastProgress.duration(to: .now) > patience {
        return now
      }
      Thread.sleep(forTimeInterval: 0.001)
    }
  }

  /// Waits for the worker to end; false if it did not within `timeout`.
  @discardableResult
  func join(timeout: Duration = .seconds(5)) -> Bool {
    guard started.load(ordering: .relaxed) else { return true }
    let (seconds, attoseconds) = timeout.components
    let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    let ok = finished.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success
    if ok { finished.signal() }  // later joins return at once
    return ok
  }

  func record(_ error: SyscallError) {
    guard !stopping.load(ordering: .relaxed) else { return }
    failure.withLock { $0 = error }
  }

  /// Sends blocks of the shared payload until stopped.
  ///
  /// Per block: one `send` (or `sendfile`) per kernel write and one add to this
  /// stream's own counter. The test-wide totals behind `-n` / `-k` are shared by every
  /// stream, so they are only touched when the test has such a limit.
  /// `-b`: sleeps and returns true while the stream is ahead of its rate. A block
  /// goes out when the target reaches its middle, so a stream stays within half a
  /// block of the rate.
  func waitedForPacer(
    _ pacer: Pacer, sent: Int64, blockLength: Int, since begin: ContinuousClock.Instant
  ) -> Bool {
    let wait = pacer.wait(
      bytes: sent + Int64(blockLength / 2), elapsed: begin.duration(to: .now).inSeconds)
    guard wait > 0 else { return false }
    Thread.sleep(forTimeInterval: wait)
    return true
  }

  private func sendLoop(
    blockLength: Int, limits: TestLimits, fromFile: Bool, repeating: Bool, pacer: Pacer
  ) {
    let socket = connection
    let counting = limits.hasLimit
    let payload: UnsafeRawBufferPointer
    let file: MemoryFile?
    do throws(SyscallError) {
      payload = UnsafeRawBufferPointer(
        rebasing: UnsafeRawBufferPointer(
          try (repeating ? StreamBuffers.repeatingPayload : StreamBuffers.payload).get().bytes)[
            ..<blockLength])
      file =
        fromFile
        ? try (repeating ? StreamBuffers.repeatingPayloadFile : StreamBuffers.payloadFile).get()
        : nil
    } catch {
      record(error)
      return
    }
    // Best effort: without it only a shutdown wakes a sender blocked on a full buffer.
    try? socket.socket.setSendTimeout(DataStream.sendWait)
    let begin = ContinuousClock.now
    var paced: Int64 = 0
    while !stopping.load(ordering: .relaxed) {
      if counting && limits.sendingDone {
        // Like iperf3 3.16+: a sender at the limit idles until TEST_END.
        Thread.sleep(forTimeInterval: 0.005)
        continue
      }
      if pacer.limits {
        if waitedForPacer(pacer, sent: paced, blockLength: blockLength, since: begin) { continue }
        paced += Int64(blockLength)
      }
      var offset = 0
      while offset < blockLength {
        let sent: Int
        do throws(SyscallError) {
          if let file {
            sent = try socket.socket.sendFile(
              from: file, offset: offset, count: blockLength - offset)
          } else {
            sent = try socket.socket.send(UnsafeRawBufferPointer(rebasing: payload[offset...]))
          }
        } catch  where error.errno == .wouldBlock {
          if stopping.load(ordering: .relaxed) { return }
          continue  // the peer's window stayed shut for `sendWait`
        } catch {
          record(error)
          return
        }
        offset += sent
        bytes.add(Int64(sent), ordering: .relaxed)
        if counting { limits.sentBytes.add(Int64(sent), ordering: .relaxed) }
      }
      if counting { limits.sentBlocks.add(1, ordering: .relaxed) }
    }
  }

  /// Receives until end of stream: discarded in the kernel, or copied into the shared
  /// sink when `copying` (iperf3's way).
  ///
  /// A discarding receiver drains the socket faster than segments arrive, so waking it
  /// per segment (and the sender's wakeup work) became the main cost: it waits for
  /// ``discardLowWaterMark`` bytes instead, at most ``discardWait`` on a slow link, and
  /// takes up to 1 MiB per call. With a `-k` limit it keeps one call per block, since
  /// receive calls are what `-k` counts.
  private func receiveLoop(blockLength: Int, limits: TestLimits, copying: Bool, batching: Bool) {
    let socket = connection
    let counting = limits.hasLimit
    let sink: UnsafeMutableRawBufferPointer
    do throws(SyscallError) {
      sink = UnsafeMutableRawBufferPointer(
        rebasing: try StreamBuffers.sink.get().bytes[..<blockLength])
    } catch {
      record(error)
      return
    }
    let discardLength = limits.blockLimit > 0 ? blockLength : StreamBuffers.maximumLength
    if !copying && batching {
      // Best effort: without them the loop is only slower.
      try? socket.socket.setReceiveLowWaterMark(DataStream.discardLowWaterMark)
      try? socket.socket.setReceiveTimeout(DataStream.discardWait)
    }
    while true {
      let received: Int
      do throws(SyscallError) {
        received =
          copying
          ? try socket.socket.receive(into: sink)
          : try socket.socket.receive(discarding: discardLength)
      } catch  where !copying && error.errno == .wouldBlock {
        continue  // the wait ran out with nothing queued
      } catch {
        record(error)
        return
      }
      if received == 0 { return }
      bytes.add(Int64(received), ordering: .relaxed)
      if counting {
        limits.receivedBytes.add(Int64(received), ordering: .relaxed)
        limits.receivedBlocks.add(1, ordering: .relaxed)
      }
    }
  }

  /// Waits until `streams` have received nothing new for 100 ms (at most `patience`).
  static func drain(_ streams: [DataStream], patience: Duration = .seconds(3)) {
    let deadline = ContinuousClock.now + patience
    var last = Int64(-1)
    var quietSince = ContinuousClock.now
    while ContinuousClock.now < deadline {
      let total = streams.reduce(Int64(0)) { $0 + $1.bytes.load(ordering: .relaxed) }
      if total != last {
        last = total
        quietSince = .now
      } else if quietSince.duration(to: .now) >= .milliseconds(100) {
        return
      }
      Thread.sleep(forTimeInterval: 0.01)
    }
  }

  /// `-F` sender: sends the file's bytes a block at a time; at its end the stream
  /// idles until the test ends (the client's `-n` is the file's size by default).
  private func fileSendLoop(path: String, blockLength: Int, limits: TestLimits) {
    let socket = connection
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockLength, alignment: 16)
    defer { buffer.deallocate() }
    let file: DiskFile
    do throws(SyscallError) {
      file = try DiskFile(path: path, writing: false)
    } catch {
      record(error)
      return
    }
    try? socket.socket.setSendTimeout(DataStream.sendWait)
    var atEnd = false
    while !stopping.load(ordering: .relaxed) {
      if atEnd || (limits.hasLimit && limits.sendingDone) {
        Thread.sleep(forTimeInterval: 0.005)
        continue
      }
      let count: Int
      do throws(SyscallError) {
        count = try file.read(into: buffer)
      } catch {
        record(error)
        return
      }
      if count == 0 {
        atEnd = true
        continue
      }
      var offset = 0
      while offset < count {
        let sent: Int
        do throws(SyscallError) {
          sent = try socket.socket.send(UnsafeRawBufferPointer(rebasing: buffer[offset..<count]))
        } catch  where error.errno == .wouldBlock {
          if stopping.load(ordering: .relaxed) { return }
          continue
        } catch {
          record(error)
          return
        }
        offset += sent
        bytes.add(Int64(sent), ordering: .relaxed)
        if limits.hasLimit { limits.sentBytes.add(Int64(sent), ordering: .relaxed) }
      }
      if limits.hasLimit { limits.sentBlocks.add(1, ordering: .relaxed) }
    }
  }

  /// `-F` receiver: copies what arrives into the file.
  private func fileReceiveLoop(path: String, blockLength: Int, limits: TestLimits) {
    let socket = connection
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockLength, alignment: 16)
    defer { buffer.deallocate() }
    let file: DiskFile
    do throws(SyscallError) {
      file = try DiskFile(path: path, writing: true)
    } catch {
      record(error)
      return
    }
    while true {
      let received: Int
      do throws(SyscallError) {
        received = try socket.socket.receive(into: buffer)
        if received > 0 { try file.write(UnsafeRawBufferPointer(rebasing: buffer[..<received])) }
      } catch {
        record(error)
        return
      }
      if received == 0 { return }
      bytes.add(Int64(received), ordering: .relaxed)
      if limits.hasLimit {
        limits.receivedBytes.add(Int64(received), ordering: .relaxed)
        limits.receivedBlocks.add(1, ordering: .relaxed)
      }
    }
  }

  /// How long a send may block on a full buffer before the sender looks at its stop
  /// flag (`SO_SNDTIMEO`), so the client can stop sending without a FIN: the server
  /// then closes first and keeps the TIME_WAIT, as iperf3's does, and the client's
  /// source ports (`--cport`, pinned) are free for the next test.
  static let sendWait = Duration.milliseconds(10)

  /// How many queued bytes wake a discarding receiver (`SO_RCVLOWAT`): 256 KiB moved
  /// loopback from about 20 to 29 Gbit/s in a C test (1 stream, medians of 3).
  static let discardLowWaterMark = 256 << 10

  /// How long fewer bytes may wait for a discarding receiver (`SO_RCVTIMEO`), so
  /// interval reports on slow links stay smooth.
  static let discardWait = Duration.milliseconds(10)
}
