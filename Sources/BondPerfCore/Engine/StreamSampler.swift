import Synchronization

/// Turns the streams' running byte counters and TCP_INFO into interval
/// reports and end-of-test totals, the way iperf3 counts them.
///
/// Used only on the session's thread.
final class StreamSampler {
  private struct State {
    var start: ContinuousClock.Instant
    var intervalStart: ContinuousClock.Instant
    var omitBytes: Int64 = 0
    var lastBytes: Int64 = 0
    var retransmitBaseline: Int64 = 0
    var lastRetransmits: Int64 = 0
    var maxSndCwnd: Int64 = 0
    var maxSndWnd: Int64 = 0
    var maxRtt: Int64 = 0
    var minRtt: Int64 = 0
    var rttSum: Int64 = 0
    var rttCount: Int64 = 0
    var lastSample: ContinuousClock.Instant
    var finalBytes: Int64?
    /// UDP: the counts at the last sample, at the end of the omit period, and frozen.
    var lastUDP = UDPCount()
    var omitUDP = UDPCount()
    var finalUDP: UDPCount?
  }

  /// A UDP stream's running counts: sent datagrams, or the receiver's counts.
  struct UDPCount {
    var packets: Int64 = 0
    var lost: Int64 = 0
    var outOfOrder: Int64 = 0
    var jitter: Double = 0
  }

  /// The stream's UDP counts now (or as frozen); nil for TCP.
  private func udpCount(_ index: Int) -> UDPCount? {
    if let frozen = states[index].finalUDP { return frozen }
    let stream = streams[index]
    guard let udp = stream.udp else { return nil }
    if stream.localSends { return UDPCount(packets: udp.sent.load(ordering: .relaxed)) }
    let received = udp.received
    return UDPCount(
      packets: received.highestSequence, lost: received.lost, outOfOrder: received.outOfOrder,
      jitter: received.jitter)
  }

  let streams: [DataStream]
  private var states: [State]
  private(set) var omitting: Bool
  let monitor: (any SlaveMonitor)?

  init(
    streams: [DataStream], start: ContinuousClock.Instant, omitting: Bool,
    monitor: (any SlaveMonitor)?
  ) {
    self.streams = streams
    self.omitting = omitting
    self.monitor = monitor
    self.states = streams.map { _ in
      State(start: start, intervalStart: start, lastSample: start)
    }
    monitor?.reset()
  }

  private func seconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Double {
    from.duration(to: to).inSeconds
  }

  /// One interval ending now.
  func sample(at now: ContinuousClock.Instant) -> IntervalReport {
    var reports: [StreamInterval] = []
    for (index, stream) in streams.enumerated() {
      var state = states[index]
      let total = state.finalBytes ?? stream.bytes.load(ordering: .relaxed)
      var tcp: TCPSample?
      if stream.localSends, let info = try? stream.connection.socket.tcpInfo() {
        let retransmits = Int64(info.retransmits)
        let sample = TCPSample(
          retransmits: retransmits - state.lastRetransmits, sndCwnd: Int64(info.sndCwndBytes),
          sndWnd: Int64(info.sndWnd ?? 0), rtt: Int64(info.rttMicroseconds),
          rttvar: Int64(info.rttvarMicroseconds), pmtu: Int64(info.pmtu))
        state.lastRetransmits = retransmits
        if !omitting {
          state.maxSndCwnd = max(state.maxSndCwnd, sample.sndCwnd)
          state.maxSndWnd = max(state.maxSndWnd, sample.sndWnd)
          state.maxRtt = max(state.maxRtt, sample.rtt)
          state.minRtt = state.rttCount == 0 ? sample.rtt : min(state.minRtt, sample.rtt)
          state.rttSum += sample.rtt
          state.rttCount += 1
        }
        tcp = sample
      }
      var udp: UDPSample?
      if let count = udpCount(index) {
        udp = UDPSample(
          packets: count.packets - state.lastUDP.packets, lost: count.lost - state.lastUDP.lost,
          outOfOrder: count.outOfOrder - state.lastUDP.outOfOrder, jitter: count.jitter)
        state.lastUDP = count
      }
      reports.append(
        StreamInterval(
          id: stream.id, socket: stream.descriptor,
          start: seconds(state.start, state.intervalStart), end: seconds(state.start, now),
          bytes: total - state.lastBytes, localSends: stream.localSends, omitted: omitting,
          tcp: tcp,
          udp: udp))
      state.lastBytes = total
      state.intervalStart = now
      state.lastSample = now
      states[index] = state
    }
    return IntervalReport(streams: reports, slaves: monitor?.sampleInterval() ?? [])
  }

  /// Samples whatever `clock` says is due at `now` (a tick, or the end of the
  /// omit period, after which counting starts again).
  func step(_ clock: inout IntervalClock, at now: ContinuousClock.Instant) -> (
    report: IntervalReport?, omitEnded: Bool
  ) {
    switch clock.advance(to: now) {
    case .none:
      return (nil, false)
    case .tick:
      return (sample(at: now), false)
    case .omitEnd:
      let report = sample(at: now)
      endOmit(at: now)
      return (report, true)
    }
  }

  /// Freezes the counts and takes the last, partial interval (nil when iperf3 would drop it).
  func finish(_ clock: IntervalClock, at end: ContinuousClock.Instant) -> IntervalReport? {
    freeze()
    let last = sample(at: end)
    let bytes = last.streams.reduce(Int64(0)) { $0 + $1.bytes }
    return clock.keepsFinal(at: end, bytes: bytes) ? last : nil
  }

  /// The omit period is over: counting starts again from now.
  func endOmit(at now: ContinuousClock.Instant) {
    omitting = false
    for (index, stream) in streams.enumerated() {
      let total = stream.bytes.load(ordering: .relaxed)
      states[index].start = now
      states[index].intervalStart = now
      states[index].lastSample = now
      states[index].omitBytes = total
      states[index].lastBytes = total
      states[index].retransmitBaseline = states[index].lastRetransmits
      if let count = udpCount(index) {
        states[index].omitUDP = count
        states[index].lastUDP = count
      }
    }
    monitor?.reset()
  }

  /// Freezes the byte counts: bytes that arrive later are not counted.
  func freeze() {
    for (index, stream) in streams.enumerated() where states[index].finalBytes == nil {
      states[index].finalBytes = stream.bytes.load(ordering: .relaxed)
      states[index].finalUDP = udpCount(index)
    }
  }

  /// Local duration of the first stream, from its start to its last sample.
  var endTime: Double {
    guard let first = states.first else { return 0 }
    return seconds(first.start, first.lastSample)
  }

  /// Local totals per stream after the omit period; the peer's side is filled in later.
  func localTotals() -> [StreamSummary] {
    streams.enumerated().map { index, stream in
      let state = states[index]
      let total = (state.finalBytes ?? stream.bytes.load(ordering: .relaxed)) - state.omitBytes
      var udp: UDPTotals?
      if let count = udpCount(index) {
        let packets = count.packets - state.omitUDP.packets
        var totals =
          stream.localSends
          ? UDPTotals(senderPackets: packets)
          : UDPTotals(
            receiverPackets: packets, lost: count.lost - state.omitUDP.lost,
            outOfOrder: count.outOfOrder - state.omitUDP.outOfOrder, jitter: count.jitter)
        totals.omittedPackets = state.omitUDP.packets
        totals.omittedLost = state.omitUDP.lost
        udp = totals
      }
      return StreamSummary(
        id: stream.id, socket: stream.descriptor, localSends: stream.localSends,
        bytesSent: stream.localSends ? total : 0, bytesReceived: stream.localSends ? 0 : total,
        retransmits: stream.localSends ? state.lastRetransmits - state.retransmitBaseline : nil,
        maxSndCwnd: state.maxSndCwnd, maxSndWnd: state.maxSndWnd, maxRtt: state.maxRtt,
        minRtt: state.minRtt, meanRtt: state.rttCount > 0 ? state.rttSum / state.rttCount : 0,
        udp: udp)
    }
  }
}
