/// `bondperf compare`: three client tests against one server, one after another —
/// one stream, N streams on kernel-chosen ports, N streams pinned to slaves —
/// and the links' ceiling they are set against.
public struct Comparison: Sendable {
  /// One of the three tests.
  public struct Phase: Sendable, Hashable {
    /// The key in the JSON document: `single`, `kernel_ports` or `pinned`.
    public var name: String
    /// The column title: "Single stream", "8 streams (kernel ports)", ….
    public var title: String
    /// `-P` of this phase.
    public var streams: Int
    /// Whether the kernel picks the source ports (`--no-pin`).
    public var noPin: Bool

    public init(name: String, title: String, streams: Int, noPin: Bool) {
      self.name = name
      self.title = title
      self.streams = streams
      self.noPin = noPin
    }
  }

  /// A phase and what its test recorded.
  public struct Outcome: Sendable {
    public var phase: Phase
    /// The record as the bond layer decorated it (`bond` member filled in);
    /// with `--repeat`, the kernel-port run nearest the median.
    public var record: TestRecord
    /// `--repeat`: every run of the kernel-port phase; nil for other phases
    /// and for a single run.
    public var runs: KernelPortRuns?

    public init(phase: Phase, record: TestRecord, runs: KernelPortRuns? = nil) {
      self.phase = phase
      self.record = record
      self.runs = runs
    }

    /// The phase's figure: the received rate, or with `--repeat` the median.
    public var bitsPerSecond: Double { runs?.median ?? CompareTable.received(record) }

    /// The phase's full `-J` document.
    public var result: JSONValue { IperfJSON.document(record) }
  }

  /// Why a comparison stopped.
  public struct PhaseError: Error, CustomStringConvertible, Sendable {
    public var phase: String
    /// What went wrong, or nil when the test ended without a record.
    public var reason: String?

    public var description: String {
      guard let reason else { return "phase \(phase) produced no result" }
      return "phase \(phase) failed: \(reason)"
    }
  }

  /// Ctrl-C: the phases that finished before the interrupted one.
  public struct Interrupted: Error, CustomStringConvertible, Sendable {
    public var finished: [Outcome]
    /// The phase that was running.
    public var phase: Phase

    public var description: String {
      "interrupted during \(phase.title); "
        + (finished.isEmpty ? "no phase finished" : "showing the phases that finished")
    }
  }

  /// The server's name, and its address if already resolved.
  public var host: String
  public var serverAddress: SocketAddress?
  public var port: UInt16
  /// Seconds per phase (`-t`) and seconds left out at the start of each (`-O`).
  public var seconds: Int
  public var omit: Int
  /// The tests, in the order they run.
  public var phases: [Phase]
  /// The wait between phases, so one test's connections are gone before the next.
  public var pause: Duration = .seconds(1)
  /// `--repeat`: how many times the kernel-port phase runs (fresh kernel
  /// ports each time); the other phases choose their ports and run once.
  public var repeats = 1
  /// Slaves of this host, for ``KernelPortRuns``' coverage; 0 when no bond is known.
  public var slaveCount = 0
  /// `compare -u`: every phase is a UDP test.
  public var transport: TransportProtocol = .tcp
  /// `-b`: the offered rate per stream in bit/s (nil: UDP's 1 Mbit/s, TCP unlimited).
  public var bandwidth: Int64?
  /// `-l`: the block (datagram) size; nil: TCP's default, or the MSS for UDP.
  public var length: Int?

  /// - Parameters:
  ///   - parallel: Streams in the two multi-stream phases.
  ///   - noPin: `--no-pin`: every phase leaves the ports to the kernel.
  public init(
    host: String, serverAddress: SocketAddress? = nil, port: UInt16, parallel: Int,
    seconds: Int, omit: Int, noPin: Bool = false
  ) {
    self.host = host
    self.serverAddress = serverAddress
    self.port = port
    self.seconds = seconds
    self.omit = omit
    phases = [
      Phase(name: "single", title: "Single stream", streams: 1, noPin: noPin),
      Phase(
        name: "kernel_ports", title: "\(parallel) streams (kernel ports)", streams: parallel,
        noPin: true),
      Phase(
        name: "pinned", title: "\(parallel) streams (pinned)", streams: parallel, noPin: noPin),
    ]
  }

  /// The key of `compare --calibrate`'s fourth phase.
  public static let calibratedPhaseName = "calibrated"

  /// `compare --calibrate`'s fourth phase: the pinned streams, with ports
  /// calibrated through the switch (README, Switches).
  public static func calibratedPhase(_ parallel: Int) -> Phase {
    Phase(
      name: calibratedPhaseName, title: "\(parallel) streams (pinned + calibrated)",
      streams: parallel, noPin: false)
  }

  /// `phase` titled by what it got: the pinned phase says when nothing was
  /// pinned and why ("4 streams (not pinned: no bond known)", "4 streams (not
  /// pinnable: layer2 -> s3)"), so the column never claims pinning that did not
  /// happen.
  public static func titled(
    _ phase: Phase, description: BondDescription?, kind: PinningKind?
  ) -> Phase {
    guard phase.name == "pinned" else { return phase }
    var phase = phase
    let streams = "\(phase.streams) streams"
    guard let description, let kind else {
      phase.title = "\(streams) (not pinned: no bond known)"
      return phase
    }
    let model = description.model
    switch kind {
    case .pinned:
      phase.title = "\(streams) (pinned)"
    case .kernelPorts, .consecutive:
      phase.title = "\(streams) (kernel ports, --no-pin)"
    case .sharedSlave(let slave):
      let cause = model.mode == .balanceRR ? model.mode.rawValue : model.policy.rawValue
      phase.title = "\(streams) (not pinnable: \(cause) -> \(description.name(of: slave)))"
    case .notPinnable:
      let cause =
        model.mode == .balanceXOR || model.mode == .ieee8023ad
        ? model.policy.rawValue : model.mode.rawValue
      phase.title = "\(streams) (not pinnable: \(cause))"
    }
    return phase
  }

  /// What the client asks the server for in `phase`: a timed, normal-direction
  /// test of ``transport`` at ``bandwidth`` per stream, with iperf3's other defaults.
  public func parameters(for phase: Phase) -> TestParameters {
    var parameters = TestParameters()
    parameters.parallel = phase.streams
    parameters.time = seconds
    parameters.omit = omit
    parameters.transport = transport
    if let length {
      parameters.length = length
    } else if transport == .udp {
      parameters.length = nil
    }
    let rate = bandwidth ?? (transport == .udp ? UDPDefaults.bitrate : 0)
    parameters.bandwidth = rate > 0 ? rate : nil
    return parameters
  }

  /// The client's configuration for `phase`, before the bond's ports are added.
  public func configuration(for phase: Phase) -> ClientConfiguration {
    var configuration = ClientConfiguration(host: host)
    configuration.serverAddress = serverAddress
    configuration.port = port
    configuration.interval = 1
    configuration.parameters = parameters(for: phase)
    return configuration
  }

  /// The name of the phase `--repeat` repeats.
  public static let kernelPortsPhaseName = "kernel_ports"

  /// How many times `phase` runs.
  public func runCount(_ phase: Phase) -> Int {
    phase.name == Self.kernelPortsPhaseName ? max(repeats, 1) : 1
  }

  /// Runs the phases in order, `pause` apart, through `test`, which returns
  /// the phase's decorated record (nil if the test left none); the kernel-port
  /// phase runs ``repeats`` times.
  ///
  /// - Parameter progress: Gets "[1/3] Single stream: 10 s ..." before each
  ///   phase (run) and its received rate after it.
  ///   - interruption: When it is interrupted (Ctrl-C), the run throws
  ///     ``Interrupted`` with the phases that finished.
  public func run(
    progress: (String) -> Void, interruption: ComparisonInterruption? = nil,
    test: (Phase, ClientConfiguration) async throws -> TestRecord?
  ) async throws -> [Outcome] {
    var outcomes: [Outcome] = []
    let total = phases.reduce(0) { $0 + runCount($1) }
    var step = 0
    for phase in phases {
      let count = runCount(phase)
      var records: [TestRecord] = []
      for attempt in 0..<count {
        if interruption?.isInterrupted == true {
          throw Interrupted(finished: outcomes, phase: phase)
        }
        step += 1
        let runText = count > 1 ? " run \(attempt + 1) of \(count)" : ""
        progress("[\(step)/\(total)] \(phase.title)\(runText): \(seconds) s ...")
        let record: TestRecord?
        do {
          record = try await test(phase, configuration(for: phase))
        } catch {
          if interruption?.isInterrupted == true {
            throw Interrupted(finished: outcomes, phase: phase)
          }
          throw PhaseError(phase: phase.name, reason: "\(error)")
        }
        if interruption?.isInterrupted == true {
          // A phase cut short measured less than its -t: not a result to compare.
          throw Interrupted(finished: outcomes, phase: phase)
        }
        guard let record else { throw PhaseError(phase: phase.name, reason: nil) }
        progress("      \(Units.bitsPerSecond(CompareTable.received(record))) received")
        records.append(record)
        if step < total { try? await Task.sleep(for: pause) }
      }
      guard count > 1,
        let runs = KernelPortRuns(
          runs: records.map { KernelPortRuns.run($0, slaveCount: slaveCount) })
      else {
        if let record = records.first { outcomes.append(Outcome(phase: phase, record: record)) }
        continue
      }
      progress("      \(runs.text)")
      outcomes.append(Outcome(phase: phase, record: records[runs.medianRunIndex], runs: runs))
    }
    return outcomes
  }

  /// Runs one phase's client test with nothing printed; returns its record as
  /// `bond` decorates it, or nil when the test left none.
  public static func runSilently(
    _ configuration: ClientConfiguration, bond: (any BondWatch)?,
    interruption: ComparisonInterruption? = nil
  ) async throws -> TestRecord? {
    let observer = SilentObserver()
    let client = Client(configuration: configuration, observer: observer, bond: bond)
    if let interruption {
      _ = try await interruption.run(client)
    } else {
      _ = try await client.run()
    }
    guard let record = observer.record else { return nil }
    return bond?.decorate(record) ?? record
  }

  /// The links' ceiling in bit/s: `--slave-rate` times the usable slaves when
  /// given, else what the kernel bond's usable slaves' speeds add up to (the
  /// slowest for broadcast); nil when neither is known. The CLI reads the
  /// slaves' real rates instead (``LinkCeiling``, ``SlaveRate``).
  public static func ceiling(
    description: BondDescription?, bond: BondInfo?, slaveRate: Int64?
  ) -> Double? {
    guard let description else { return nil }
    let rates =
      bond?.usableSlaveInfos.map { slave in
        SlaveRate(
          name: slave.name, bitsPerSecond: slave.speedMbps.map { Int64($0) * 1_000_000 },
          source: .linkSpeed)
      } ?? []
    return LinkCeiling(description: description, rates: rates, given: slaveRate).bitsPerSecond
  }
}
