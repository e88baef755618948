import Dispatch
import Foundation
import Synchronization

/// One TCP data connection of a test and the thread that moves its bytes.
///
/// The worker does blocking `send`/`recv` on a reusable buffer on its own
/// thread. It stops when ``stop(shutdown:)`` sets the flag and shuts the
/// socket down, which wakes a blocked call.
public final class DataStream: Sendable {
  /// The iperf3 stream id (1, 3, 4, ...).
  public let id: Int
  /// Whether this host sends on the stream.
  public let localSends: Bool
  public let connection: SharedSocket
  public let local: SocketAddress
  public let remote: SocketAddress

  /// Bytes moved so far (sent or received), since the connection opened.
  let bytes = Atomic<Int64>(0)
  let stopping = Atomic<Bool>(false)
  private let failure = Mutex<SocketError?>(nil)
  private let finished = DispatchSemaphore(value: 0)
  private let started = Atomic<Bool>(false)

  public init(
    id: Int, localSends: Bool, connection: SharedSocket, local: SocketAddress,
    remote: SocketAddress
  ) {
    self.id = id
    self.localSends = localSends
    self.connection = connection
    self.local = local
    self.remote = remote
  }

  /// The socket's descriptor, shown as iperf3's `socket` and `[  5]` id.
  public var descriptor: Int32 { connection.descriptor }

  /// The error that stopped the worker, if it was not asked to stop.
  public var error: SocketError? { failure.withLock { $0 } }

  /// Starts the worker thread.
  func start(blockLength: Int, limits: TestLimits) {
    started.store(true, ordering: .relaxed)
    let thread = Thread { [self] in
      if localSends {
        sendLoop(blockLength: blockLength, limits: limits)
      } else {
        receiveLoop(blockLength: blockLength, limits: limits)
      }
      finished.signal()
    }
    thread.name = "bondperf-stream-\(id)"
    thread.stackSize = 1 << 20
    thread.start()
  }

  /// Asks the worker to stop and wakes it with `shutdown(2)`.
  func stop(shutdown how: ShutdownMode) {
    stopping.store(true, ordering: .relaxed)
    try? connection.socket.shutdown(how)
  }

  /// Stops every stream in `streams` first, then waits for each worker, so
  /// they all wind down in parallel.
  static func stopAll(
    _ streams: some Sequence<DataStream>, shutdown how: ShutdownMode,
    timeout: Duration = .seconds(2)
  ) {
    for stream in streams { stream.stop(shutdown: how) }
    for stream in streams { stream.join(timeout: timeout) }
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

  private func record(_ error: SocketError) {
    guard !stopping.load(ordering: .relaxed) else { return }
    failure.withLock { $0 = error }
  }

  private func sendLoop(blockLength: Int, limits: TestLimits) {
    let block = DataStream.randomBlock(length: blockLength)
    block.withUnsafeBytes { buffer in
      while !stopping.load(ordering: .relaxed) {
        if limits.sendingDone {
          // Like iperf3 3.16+: a sender at the limit idles until TEST_END.
          Thread.sleep(forTimeInterval: 0.005)
          continue
        }
        var offset = 0
        while offset < buffer.count {
          do {
            let sent = try connection.socket.send(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            offset += sent
            bytes.add(Int64(sent), ordering: .relaxed)
            limits.sentBytes.add(Int64(sent), ordering: .relaxed)
          } catch let error as SocketError {
            record(error)
            return
          } catch {
            return
          }
        }
        limits.sentBlocks.add(1, ordering: .relaxed)
      }
    }
  }

  /// A block of random payload (iperf3 sends random bytes, chosen once per
  /// stream). A 64-bit generator seeded once from the system keeps this at
  /// a few microseconds; one `UInt8.random` per byte took long enough on a
  /// loaded debug build that a 1 s bidirectional test could end before the
  /// server's senders had written anything.
  static func randomBlock(length: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var state = generator.next() | 1
    var block = [UInt8](repeating: 0, count: length)
    block.withUnsafeMutableBytes { raw in
      var offset = 0
      while offset < raw.count {
        // xorshift64*
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        var word = state &* 0x2545_F491_4F6C_DD1D
        for _ in 0..<8 where offset < raw.count {
          raw[offset] = UInt8(truncatingIfNeeded: word)
          word >>= 8
          offset += 1
        }
      }
    }
    return block
  }

  private func receiveLoop(blockLength: Int, limits: TestLimits) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockLength, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let received: Int
      do {
        received = try connection.socket.receive(into: buffer)
      } catch {
        record(error)
        return
      }
      if received == 0 { return }
      bytes.add(Int64(received), ordering: .relaxed)
      limits.receivedBytes.add(Int64(received), ordering: .relaxed)
      limits.receivedBlocks.add(1, ordering: .relaxed)
    }
  }
}
