import Foundation
import Synchronization

/// One test on the server side.
final class ServerTest {
  let run: ServerRun
  let control: ControlConnection
  let observer: any TestObserver
  var record = TestRecord()
  var state = ProtocolState.initial
  var streams: [DataStream] = []
  var configuration: ServerConfiguration { run.configuration }

  init(run: ServerRun, control: ControlConnection, observer: any TestObserver) {
    self.run = run
    self.control = control
    self.observer = observer
  }

  func execute() {
    do {
      try serveTest()
    } catch {
      record.error = "\(error)"
      DataStream.stopAll(streams, shutdown: .both)
      observer.failed("\(error)", record: record)
    }
    try? control.shared.socket.shutdown(.both)
  }

  private func transition(_ event: ProtocolEvent) throws {
    state = try state.next(on: event, role: .server)
  }

  private func sendError(_ code: IperfErrorCode) {
    var bytes = [ControlMessage.serverError.byte]
    for value in [code.rawValue, Int32(0)] {
      bytes += [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
        UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
    try? control.send(bytes: bytes)
  }

  private func send(_ message: ControlMessage) throws {
    try control.send(message)
    try transition(.sent(message))
  }

  private func serveTest() throws {
    let peer = control.peer
    try? control.shared.socket.setNoDelay(true)
    let cookie: Cookie
    do {
      cookie = try control.readCookie(until: .now + configuration.controlTimeout)
    } catch {
      throw PerfError("control connection from \(peer) dropped: no cookie within \(configuration.controlTimeout): \(error)")
    }
    try transition(.cookieExchanged)
    observer.notice("Accepted connection from \(peer.ip), port \(peer.port)")
    try send(.paramExchange)
    let parameters: TestParameters
    do {
      let json = try control.readFrame(
        maxLength: Framing.maximumParameterLength, until: .now + configuration.controlTimeout,
        waitingFor: "the test parameters")
      parameters = try TestParameters(json: json)
      try parameters.validate()
      guard parameters.transport == .tcp else {
        throw PerfError("only TCP tests are supported, the client asked for \(parameters.transport.rawValue)")
      }
    } catch {
      sendError(.receiveParameters)
      throw PerfError("unable to receive parameters from client: \(error)")
    }
    try transition(.paramsExchanged)
    try send(.createStreams)

    let mode = parameters.mode
    let assignments = StreamID.assignments(parallel: parameters.parallel, mode: mode)
    let streamDeadline = ContinuousClock.now + configuration.streamTimeout
    while streams.count < assignments.count {
      guard ContinuousClock.now < streamDeadline else {
        throw PerfError("the client opened \(streams.count) of \(assignments.count) streams within \(configuration.streamTimeout)")
      }
      let ready = try Poller.readable(
        [control.descriptor, run.listener.descriptor], timeout: .milliseconds(200))
      if ready.contains(control.descriptor) {
        if let message = try control.pollMessage(until: .now) {
          throw PerfError("the client sent \(message.name) while opening streams")
        }
      }
      if ready.contains(run.listener.descriptor) {
        try acceptStream(
          assignment: assignments[streams.count], cookie: cookie, parameters: parameters)
      }
      if run.server.isStopping { throw PerfError.serverTerminated }
    }

    try send(.testStart)
    try send(.testRunning)
    let start = ContinuousClock.now
    let cpuStart = CPUUsage.now()
    let listener = run.listener
    record.start = StartInfo(
      role: .server, systemInfo: SystemInfo.describe(), timestampSeconds: SystemInfo.timestamp(),
      peerHost: "\(peer.ip)", peerPort: peer.port, cookie: cookie.text, tcpMSSDefault: 0,
      mssOption: parameters.mss, sockBufsize: parameters.window ?? 0,
      sndbufActual: (try? listener.socket.sendBufferSize) ?? 0,
      rcvbufActual: (try? listener.socket.receiveBufferSize) ?? 0, parameters: parameters,
      interval: configuration.interval)
    record.start?.dataPath = configuration.dataPath
    observer.started(record)
    let limits = TestLimits(byteLimit: 0, blockLimit: 0)
    let sampler = StreamSampler(
      streams: streams, start: start, omitting: parameters.omit > 0, monitor: run.server.monitor)
    for stream in streams {
      stream.start(
        blockLength: parameters.effectiveLength, limits: limits, dataPath: configuration.dataPath)
    }

    var clock = IntervalClock(
      start: start, intervalSeconds: configuration.interval, omitSeconds: parameters.omit)
    let watchdog: ContinuousClock.Instant? =
      parameters.time > 0 ? start + .seconds(parameters.time + parameters.omit + 40) : nil
    var lastProgress = start
    var lastTotal: Int64 = 0
    testLoop: while true {
      let now = ContinuousClock.now
      if run.server.isStopping {
        try? control.send(.serverTerminate)
        throw PerfError.serverTerminated
      }
      if let watchdog, now >= watchdog {
        sendError(.serverTestDurationExpired)
        throw PerfError("server test duration expired (the client never sent TEST_END)")
      }
      let total = streams.reduce(Int64(0)) { $0 + $1.bytes.load(ordering: .relaxed) }
      if total != lastTotal {
        lastTotal = total
        lastProgress = now
      } else if lastProgress.duration(to: now) > configuration.idleTimeout {
        sendError(.noMessage)
        throw PerfError("no data moved for \(configuration.idleTimeout); the client is gone")
      }
      let wake = clock.wake(before: now + .milliseconds(200))
      let ready = try Poller.readable(
        [control.descriptor, run.listener.descriptor], timeout: now.duration(to: wake))
      if ready.contains(run.listener.descriptor) { run.refuseNewcomer() }
      if ready.contains(control.descriptor) {
        do {
          while let message = try control.pollMessage(until: .now) {
            switch message {
            case .testEnd:
              try transition(.received(message))
              break testLoop
            case .clientTerminate:
              throw PerfError.clientTerminated
            case .testStart:
              continue
            default:
              sendError(.unknownControlMessage)
              throw PerfError("received an unexpected \(message.name) from the client")
            }
          }
        } catch let error as PerfError where error == .controlClosed {
          throw PerfError("the client has unexpectedly closed the connection")
        }
      }
      if let report = sampler.step(&clock, at: .now).report {
        record.intervals.append(report)
        observer.interval(report, record: record)
      }
    }

    // TEST_END: last sample, close the data sockets, print, then exchange.
    if let last = sampler.finish(clock, at: .now) {
      record.intervals.append(last)
      observer.interval(last, record: record)
    }
    DataStream.stopAll(streams, shutdown: .both)
    let cpu = CPUUsage.now().percent(since: cpuStart)
    let congestion = streams.first.flatMap { try? $0.connection.socket.congestionControl }
    let totals = sampler.localTotals()
    if let monitor = run.server.monitor { _ = monitor.sampleTotal() }
    record.summary = ResultsExchange.summary(
      role: .server, totals: totals, endTime: sampler.endTime, cpu: cpu, congestion: congestion)
    observer.finished(record)

    try send(.exchangeResults)
    let clientJSON = try control.readFrame(
      maxLength: Framing.maximumResultsLength, until: .now + configuration.controlTimeout,
      waitingFor: "the client's results")
    do {
      // The client's numbers are not printed (iperf3's server prints first), but
      // results that don't parse end the test as they do in iperf3.
      _ = try TestResults(json: clientJSON)
    } catch {
      sendError(.receiveResults)
      throw PerfError("unable to receive results: \(error)")
    }
    var local = ResultsExchange.localResults(
      totals: totals, endTime: sampler.endTime, cpu: cpu, congestion: congestion,
      extra: run.server.extraResults())
    if parameters.getServerOutput {
      let output = observer.serverOutput(for: record)
      local.serverOutputJSON = output.json
      local.serverOutputText = output.text
    }
    try control.send(bytes: local.framed())
    try transition(.resultsExchanged)
    try send(.displayResults)
    // Wait briefly for IPERF_DONE; a client that just closes is fine too.
    let doneBy = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < doneBy {
      guard let message = try? control.pollMessage(until: doneBy) else { break }
      if message == .iperfDone {
        try? transition(.received(message))
        break
      }
    }
  }

  private func acceptStream(
    assignment: StreamAssignment, cookie: Cookie, parameters: TestParameters
  ) throws {
    let accepted = try run.listener.socket.accept()
    let peer = accepted.peer
    let socket = accepted.socket
    var buffer = [UInt8](repeating: 0, count: Cookie.wireLength)
    var have = 0
    let deadline = ContinuousClock.now + .seconds(5)
    while have < buffer.count {
      let left = ContinuousClock.now.duration(to: deadline)
      guard left > .zero, (try? socket.waitReadable(timeout: left)) == true else { break }
      let count = buffer.withUnsafeMutableBytes { raw in
        (try? socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[have...]))) ?? 0
      }
      if count == 0 { break }
      have += count
    }
    guard have == buffer.count, let received = Cookie(wireBytes: buffer), received == cookie else {
      try? socket.sendAll([ControlMessage.accessDenied.byte])
      socket.close()
      return
    }
    if let window = parameters.window {
      try? socket.setSendBufferSize(window)
      try? socket.setReceiveBufferSize(window)
    }
    if let congestion = parameters.congestion { try? socket.setCongestionControl(congestion) }
    if parameters.noDelay { try? socket.setNoDelay(true) }
    let local = try socket.localAddress
    let shared = SharedSocket(socket)
    let localSends = assignment.direction.isSender(.server)
    let stream = DataStream(
      id: assignment.id, localSends: localSends, connection: shared, local: local, remote: peer)
    streams.append(stream)
    let connected = ConnectedStream(
      id: assignment.id, socket: shared.descriptor, local: local, remote: peer,
      localSends: localSends)
    record.connected.append(connected)
    observer.connected(connected, record: record)
  }
}
