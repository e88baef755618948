import ArgumentParser
import BondPerfCore
import Foundation

extension Bondperf {
  struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "One stream, N streams on kernel-chosen ports, N pinned streams: the comparison table.",
      discussion: """
        Runs three tests one after another against the same server (bondperf -s or \
        iperf3 -s): (a) one stream, (b) N streams whose source ports the kernel picks, \
        (c) N streams pinned to slaves i mod n. Prints the table and per-slave rows; \
        --json writes one document with every phase's full -J result. \
        --repeat N runs (b) N times, each time on the ports the kernel hands out then, \
        and reports the lowest, median and highest rate and how many runs put traffic \
        on every slave: kernel ports are a lottery, pinned ports are not.
        """)

    @Option(
      name: [.customShort("c"), .customLong("client")], help: "The server's host name or address.")
    var host: String

    @Option(name: [.customShort("p"), .customLong("port")], help: "Server port.")
    var port: UInt16 = 5201

    @Option(
      name: [.customShort("P"), .customLong("parallel")],
      help: "Streams in the multi-stream phases (\(TestBounds.streams.helpText)).")
    var parallel: Int = 8

    @Option(name: [.customShort("t"), .customLong("time")], help: "Seconds per phase.")
    var time: Int = 10

    @Option(
      name: [.customShort("O"), .customLong("omit")],
      help: "Seconds to leave out at the start of each phase.")
    var omit: Int = 0

    @Option(
      name: .customLong("repeat"),
      help: ArgumentHelp(
        "Run the kernel-port phase this many times (fresh kernel ports each run; 1-100).",
        valueName: "N"))
    var repeats: Int = 1

    @Flag(
      name: [.customShort("u"), .customLong("udp")],
      help: "Every phase is a UDP test; the table adds each phase's loss.")
    var udp = false

    @Option(
      name: [.customShort("b", allowingJoined: true), .customLong("bitrate")],
      help: ArgumentHelp(
        "Offered rate per stream in bits/sec (K, M, G in 1000s; default 1M with -u; 0 = unlimited).",
        valueName: "rate"))
    var bitrate: RateArgument?

    @Option(
      name: [.customShort("l"), .customLong("length")],
      help: "Datagram (block) size in bytes (default: the path MSS with -u, 128K for TCP).")
    var length: SizeArgument?

    @Option(help: "A label for the Configuration column (default: slaves, rate, mode, policy).")
    var label: String?

    @Flag(help: "Print the comparison as one JSON document.")
    var json = false

    @Option(help: "Also write the JSON document to this file.")
    var output: String?

    @OptionGroup var bond: BondOptions
    @OptionGroup var pinning: PinningOptions
    @OptionGroup(title: "Authentication") var auth: ClientAuthOptions

    func validate() throws {
      guard TestBounds.streams.contains(parallel) else {
        throw ValidationError(
          "-P must be between \(TestBounds.streams.errorText), got \(parallel).")
      }
      guard (1...100).contains(repeats) else {
        throw ValidationError("--repeat must be between 1 and 100, got \(repeats).")
      }
      guard (1...3600).contains(time) else {
        throw ValidationError("-t must be between 1 and 3600 seconds, got \(time).")
      }
      if let length {
        let bounds =
          udp
          ? Int64(UDPDatagramHeader.minimumDatagram)...Int64(UDPDatagramHeader.maximumDatagram)
          : Int64(TestBounds.blockLength.lowerBound)...Int64(TestBounds.blockLength.upperBound)
        guard bounds.contains(length.bytes) else {
          throw ValidationError(
            "-l must be between \(bounds.lowerBound) and \(bounds.upperBound) bytes, got \(length.bytes)."
          )
        }
      }
      if udp && pinning.calibrate {
        throw ValidationError("--calibrate probes with TCP; drop it with -u.")
      }
      try bond.validateClient(pinning: pinning, cport: nil)
      if pinning.calibrate && pinning.noPin {
        throw ValidationError(
          "--calibrate adds a calibrated phase to the pinned one; drop --no-pin.")
      }
    }

    func run() async throws {
      let server = try SocketAddress.resolve(host: host, port: port).first
      let clientBond = try server.flatMap {
        try bond.clientBond(server: $0, bind: nil, pinning: pinning)
      }
      var comparison = Comparison(
        host: host, serverAddress: server, port: port, parallel: parallel, seconds: time,
        omit: omit, noPin: pinning.noPin)
      comparison.repeats = repeats
      if udp { comparison.transport = .udp }
      comparison.bandwidth = bitrate?.bitsPerSecond
      comparison.length = length.map { Int($0.bytes) }
      comparison.slaveCount = clientBond?.description.slaveCount ?? 0
      if pinning.calibrate { comparison.phases.append(Comparison.calibratedPhase(parallel)) }
      // Every phase's ports are planned before the first runs, so a bad range fails at once.
      var plans: [String: StreamPinning] = [:]
      for phase in comparison.phases {
        plans[phase.name] = try clientBond?.pinning(
          parameters: comparison.parameters(for: phase), cport: nil, noPin: phase.noPin,
          peerSlaves: pinning.peerSlaves)
      }
      comparison.phases = comparison.phases.map {
        Comparison.titled($0, description: clientBond?.description, kind: plans[$0.name]?.kind)
      }
      let ceiling = clientBond?.ceiling
      // One password prompt for every phase (and the calibration probes).
      let authentication = try auth.authentication()
      let progress = OutputSink(file: json ? .standardError : .standardOutput)
      let outcomes: [Comparison.Outcome]
      let interruption = ComparisonInterruption()
      let signals = Signals.onTermination { _ in interruption.interrupt() }
      defer { signals.forEach { $0.cancel() } }
      do {
        outcomes = try await comparison.run(progress: progress.line, interruption: interruption) {
          phase, configuration in
          var configuration = configuration
          configuration.authentication = authentication
          var setup = BondSetup.none
          if let clientBond, let plan = plans[phase.name], let ceiling {
            var calibration: CalibrationOutcome?
            if phase.name == Comparison.calibratedPhaseName {
              calibration = try clientBond.calibrate(
                plan: plan, parameters: comparison.parameters(for: phase),
                configuration: configuration, budget: pinning.calibrateBudget)
              if !json, let line = calibration?.lines.first { progress.line(line) }
            }
            setup = clientBond.apply(
              plan, to: &configuration, ceiling: ceiling, calibration: calibration)
          }
          return try await Comparison.runSilently(
            configuration, bond: setup, interruption: interruption)
        }
      } catch let error as Comparison.PhaseError {
        throw ValidationErrorText(error.description)
      } catch let interrupted as Comparison.Interrupted {
        // As iperf3 does on Ctrl-C: what was measured, then the reason, exit 1.
        if !interrupted.finished.isEmpty {
          try report(interrupted.finished, description: clientBond?.description, ceiling: ceiling)
        }
        StandardStreams.writeError("bondperf: compare \(interrupted.description)\n")
        throw ExitCode(1)
      }
      try report(outcomes, description: clientBond?.description, ceiling: ceiling)
    }

    /// Prints the table (or the JSON document) and writes `--output`.
    private func report(
      _ outcomes: [Comparison.Outcome], description: BondDescription?, ceiling: LinkCeiling?
    ) throws {
      let configurationLabel = label ?? CompareTable.label(description, rate: pinning.slaveRate)
      if json || output != nil {
        let document = CompareTable.document(
          phases: outcomes.map { ($0.phase.name, $0.phase.streams, $0.record, $0.result) },
          ceiling: ceiling?.bitsPerSecond, label: configurationLabel, description: description,
          runs: outcomes.map(\.runs))
        let text = document.iperf3PrettyText + "\n"
        if let output {
          do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
          } catch {
            throw ValidationErrorText(
              "cannot write --output \(output): \(error.localizedDescription)")
          }
        }
        if json {
          StandardStreams.writeOutput(text)
          return
        }
      }
      StandardStreams.writeOutput(
        CompareTable.render(
          label: configurationLabel, phases: outcomes.map { ($0.phase.title, $0.record) },
          ceiling: ceiling, description: description, runs: outcomes.map(\.runs)))
    }
  }
}
