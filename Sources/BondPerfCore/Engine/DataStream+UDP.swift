import Foundation
import Synchronization

extension DataStream {
  /// Sends datagrams of `length` bytes, each with iperf3's header (send time and
  /// sequence number, 1 first), at the pacer's rate, until stopped.
  ///
  /// A datagram the kernel refused for want of buffer space (`ENOBUFS`), or with an
  /// ICMP error from an earlier one (`ECONNREFUSED`), is not counted and its
  /// sequence number is used again, as iperf3 3.21 does.
  func udpSendLoop(length: Int, limits: TestLimits, pacer: Pacer, udp: UDPCounters) {
    let shared = connection
    let counting = limits.hasLimit
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 16)
    defer { buffer.deallocate() }
    buffer.initializeMemory(as: UInt8.self, repeating: 0)
    if let payload = try? StreamBuffers.payload.get().bytes {
      let source = UnsafeRawBufferPointer(payload)
      buffer.copyMemory(
        from: UnsafeRawBufferPointer(rebasing: source[..<min(length, source.count)]))
    }
    let counters64Bit = udp.counters64Bit
    let headerLength = UDPDatagramHeader.length(counters64Bit: counters64Bit)
    guard length >= headerLength else {
      record(
        SyscallError(
          call: "send", errno: nil,
          message: "datagrams of \(length) bytes can't hold the \(headerLength)-byte header"))
      return
    }
    try? shared.socket.setSendTimeout(DataStream.sendWait)
    let begin = ContinuousClock.now
    var sentBytes: Int64 = 0
    var sequence: UInt64 = 0
    while !stopping.load(ordering: .relaxed) {
      if counting && limits.sendingDone {
        Thread.sleep(forTimeInterval: 0.005)
        continue
      }
      if pacer.limits,
        waitedForPacer(pacer, sent: sentBytes, blockLength: length, since: begin)
      {
        continue
      }
      for _ in 0..<pacer.burst {
        let (seconds, microseconds) = MonotonicTime.now()
        UDPDatagramHeader(seconds: seconds, microseconds: microseconds, sequence: sequence + 1)
          .write(to: buffer, counters64Bit: counters64Bit)
        let sent: Int
        do throws(SyscallError) {
          sent = try shared.socket.send(UnsafeRawBufferPointer(buffer))
        } catch
          where error.errno == .wouldBlock || error.errno == .noBufferSpace
          || error.errno == .connectionRefused
        {
          if stopping.load(ordering: .relaxed) { return }
          if error.errno != .wouldBlock { Thread.sleep(forTimeInterval: 0.0005) }
          break
        } catch {
          record(error)
          return
        }
        sequence += 1
        sentBytes += Int64(sent)
        bytes.add(Int64(sent), ordering: .relaxed)
        udp.sent.add(1, ordering: .relaxed)
        if counting {
          limits.sentBytes.add(Int64(sent), ordering: .relaxed)
          limits.sentBlocks.add(1, ordering: .relaxed)
          if limits.sendingDone { break }
        }
      }
    }
  }

  /// Receives datagrams until stopped, counting each in `udp` as iperf3 does:
  /// sequence numbers, loss, order and jitter from the header's send time.
  func udpReceiveLoop(limits: TestLimits, udp: UDPCounters) {
    let shared = connection
    let counting = limits.hasLimit
    let counters64Bit = udp.counters64Bit
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
    defer { buffer.deallocate() }
    // Wakes the worker to look at its stop flag when no datagram comes.
    try? shared.socket.setReceiveTimeout(DataStream.discardWait)
    while true {
      let received: Int
      do throws(SyscallError) {
        received = try shared.socket.receive(into: buffer)
      } catch  where error.errno == .wouldBlock || error.errno == .connectionRefused {
        if stopping.load(ordering: .relaxed) { return }
        continue
      } catch {
        record(error)
        return
      }
      if received == 0 {
        if stopping.load(ordering: .relaxed) { return }
        continue
      }
      let arrival = MonotonicTime.seconds()
      if let header = UDPDatagramHeader(
        reading: UnsafeRawBufferPointer(rebasing: buffer[..<received]), counters64Bit: counters64Bit
      ) {
        udp.receive {
          $0.record(sequence: header.sequence, sentAt: header.time, arrivedAt: arrival)
        }
      }
      bytes.add(Int64(received), ordering: .relaxed)
      if counting {
        limits.receivedBytes.add(Int64(received), ordering: .relaxed)
        limits.receivedBlocks.add(1, ordering: .relaxed)
      }
    }
  }
}
