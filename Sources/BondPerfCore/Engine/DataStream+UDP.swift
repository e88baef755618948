import Foundation
import Synchronization

extension DataStream {
  /// The most payload one UDP GSO send may carry: an IPv4 datagram's 65,535
  /// bytes less the IP and UDP headers.
  static let segmentedSendCapacity = 65_507
  /// Room for one received datagram, or for one GRO receive of several.
  static let datagramSlot = 65_536
  /// Datagrams (or GRO receives) one `recvmmsg` call takes at most.
  static let receiveBatch = 16

  /// Sends datagrams of `length` bytes, each with iperf3's header (send time and
  /// sequence number, 1 first), at the pacer's rate, until stopped.
  ///
  /// Unpaced, up to ``Socket/datagramBatch`` datagrams (at most
  /// ``segmentedSendCapacity`` bytes) leave per system call: one send the kernel
  /// cuts into datagrams (UDP GSO, `UDP_SEGMENT`), or `sendmmsg` where the kernel
  /// or the route refuses GSO. Paced, a call sends one burst. Each datagram has
  /// its own header, so the wire carries what iperf3 sends and any receiver sees
  /// separate datagrams.
  ///
  /// A datagram the kernel refused for want of buffer space (`ENOBUFS`), or with an
  /// ICMP error from an earlier one (`ECONNREFUSED`), is not counted and its
  /// sequence number is used again, as iperf3 3.21 does.
  func udpSendLoop(length: Int, limits: TestLimits, pacer: Pacer, udp: UDPCounters) {
    let shared = connection
    let counting = limits.hasLimit
    let counters64Bit = udp.counters64Bit
    let headerLength = UDPDatagramHeader.length(counters64Bit: counters64Bit)
    guard length >= headerLength else {
      record(
        SyscallError(
          call: "send", errno: nil,
          message: "datagrams of \(length) bytes can't hold the \(headerLength)-byte header"))
      return
    }
    let fitting = max(min(Socket.datagramBatch, DataStream.segmentedSendCapacity / length), 1)
    let batch = pacer.limits ? min(pacer.burst, fitting) : fitting
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: length * batch, alignment: 16)
    defer { buffer.deallocate() }
    DataStream.fillDatagrams(buffer, length: length)
    var segmenting = batch > 1 && (try? shared.socket.setUDPSegmentSize(length)) != nil
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
        waitedForPacer(pacer, sent: sentBytes, blockLength: length * batch, since: begin)
      {
        continue
      }
      let count =
        counting ? Int(min(Int64(batch), limits.remainingBlocks(blockLength: length))) : batch
      guard count > 0 else { continue }
      let (seconds, microseconds) = MonotonicTime.now()
      for index in 0..<count {
        UDPDatagramHeader(
          seconds: seconds, microseconds: microseconds, sequence: sequence + UInt64(index) + 1
        )
        .write(
          to: UnsafeMutableRawBufferPointer(rebasing: buffer[(index * length)...]),
          counters64Bit: counters64Bit)
      }
      let datagrams = UnsafeRawBufferPointer(rebasing: buffer[..<(count * length)])
      let sent: Int
      do throws(SyscallError) {
        if count == 1 {
          sent = try shared.socket.send(datagrams) > 0 ? 1 : 0
        } else if segmenting {
          _ = try shared.socket.send(datagrams)
          sent = count
        } else {
          sent = try shared.socket.sendDatagrams(datagrams, length: length)
        }
      } catch
        where error.errno == .wouldBlock || error.errno == .noBufferSpace
        || error.errno == .connectionRefused
      {
        if stopping.load(ordering: .relaxed) { return }
        if error.errno != .wouldBlock { Thread.sleep(forTimeInterval: 0.0005) }
        continue
      } catch  where segmenting && count > 1 {
        // The route can't take GSO (no checksum offload, datagrams above the MTU,
        // a tunnel): send each datagram by itself from now on.
        segmenting = false
        try? shared.socket.setUDPSegmentSize(0)
        continue
      } catch {
        record(error)
        return
      }
      sequence += UInt64(sent)
      let sentNow = Int64(sent * length)
      sentBytes += sentNow
      bytes.add(sentNow, ordering: .relaxed)
      udp.sent.add(Int64(sent), ordering: .relaxed)
      if counting {
        limits.sentBytes.add(sentNow, ordering: .relaxed)
        limits.sentBlocks.add(Int64(sent), ordering: .relaxed)
      }
    }
  }

  /// Fills every `length`-byte datagram of `buffer` with the payload iperf3 sends.
  private static func fillDatagrams(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
    buffer.initializeMemory(as: UInt8.self, repeating: 0)
    guard let payload = try? StreamBuffers.payload.get().bytes else { return }
    let source = UnsafeRawBufferPointer(payload)
    let piece = UnsafeRawBufferPointer(rebasing: source[..<min(length, source.count)])
    var offset = 0
    while offset + length <= buffer.count {
      UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]).copyMemory(from: piece)
      offset += length
    }
  }

  /// Receives datagrams until stopped, counting each in `udp` as iperf3 does:
  /// sequence numbers, loss, order and jitter from the header's send time.
  ///
  /// Up to ``receiveBatch`` receives per system call (`recvmmsg`); where the kernel
  /// allows (`UDP_GRO`), a receive holds several datagrams of one size, which are
  /// split and counted one by one. Every datagram of one call gets the call's
  /// arrival time.
  func udpReceiveLoop(limits: TestLimits, udp: UDPCounters) {
    let shared = connection
    let counting = limits.hasLimit
    let counters64Bit = udp.counters64Bit
    let slot = DataStream.datagramSlot
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: slot * DataStream.receiveBatch, alignment: 16)
    defer { buffer.deallocate() }
    let lengths = UnsafeMutableBufferPointer<UInt>.allocate(capacity: DataStream.receiveBatch)
    defer { lengths.deallocate() }
    let segments = UnsafeMutableBufferPointer<CInt>.allocate(capacity: DataStream.receiveBatch)
    defer { segments.deallocate() }
    // Best effort: without GRO every datagram takes a slot of its own.
    try? shared.socket.setUDPReceiveOffload(true)
    // Wakes the worker to look at its stop flag when no datagram comes.
    try? shared.socket.setReceiveTimeout(DataStream.discardWait)
    while true {
      let received: Int
      do throws(SyscallError) {
        received = try shared.socket.receiveDatagrams(
          into: buffer, slot: slot, lengths: lengths, segments: segments)
      } catch  where error.errno == .wouldBlock || error.errno == .connectionRefused {
        if stopping.load(ordering: .relaxed) { return }
        continue
      } catch {
        record(error)
        return
      }
      let arrival = MonotonicTime.seconds()
      var total = 0
      var datagrams = 0
      udp.receive { counter in
        for index in 0..<received {
          let length = Int(lengths[index])
          let size = segments[index] > 0 ? Int(segments[index]) : length
          var offset = index * slot
          let end = offset + length
          while offset < end {
            let datagram = UnsafeRawBufferPointer(
              rebasing: buffer[offset..<min(offset + size, end)])
            if let header = UDPDatagramHeader(reading: datagram, counters64Bit: counters64Bit) {
              counter.record(sequence: header.sequence, sentAt: header.time, arrivedAt: arrival)
            }
            offset += size
            datagrams += 1
          }
          total += length
        }
      }
      if total == 0 {
        if stopping.load(ordering: .relaxed) { return }
        continue
      }
      bytes.add(Int64(total), ordering: .relaxed)
      if counting {
        limits.receivedBytes.add(Int64(total), ordering: .relaxed)
        limits.receivedBlocks.add(Int64(datagrams), ordering: .relaxed)
      }
    }
  }
}
