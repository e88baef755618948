import ArgumentParser
import BondPerfCore
import Dispatch
import Foundation

/// Runs a client or a server test for the CLI: signals, output, exit status.
enum RunTest {
  static func client(
    host: String, common: CommonOptions, options: ClientOptions, iperf: IperfCommonOptions,
    iperfClient: IperfClientOptions, bond: BondOptions, pinning: PinningOptions,
    authentication: ClientAuthentication? = nil, prometheus: PrometheusOption = PrometheusOption()
  ) async throws {
    let sink = try common.makeSink()
    let pidFile = try iperf.applyProcessSettings(
      sink: sink, textMode: !common.isJSON, title: options.title)
    defer { pidFile?.remove() }
    var configuration = options.configuration(host: host, common: common)
    configure(
      &configuration, common: common, options: options, iperf: iperf, iperfClient: iperfClient)
    if Personality.isIperf3 && !common.isJSON { sink.line(Personality.line) }
    if iperf.verbose && !common.isJSON { sink.write(BondPerfVersion.banner) }
    configuration.authentication = authentication
    let setup = try bond.clientSetup(
      host: host, common: common, client: options, pinning: pinning,
      configuration: &configuration, sink: sink)
    let observer = RecordKeeper(
      common.makeObserver(
        sink: sink, slaveNames: setup.slaveNames,
        decorate: decorating(setup.decorating, receiveCopies: configuration.dataPath.receiveCopies),
        trailer: trailer(setup.trailer, verbose: iperf.verbose),
        fullJSON: iperf.jsonStreamFullOutput, verbose: iperf.verbose))
    defer { prometheus.write(observer.record, target: host, decorate: setup.decorate) }
    let client = Client(
      configuration: configuration, observer: observer, bond: setup)
    // The test's own thread ends it and reports, within about 100 ms.
    let sources = Signals.onTermination { _ in client.interrupt() }
    defer { sources.forEach { $0.cancel() } }
    do {
      // The per-slave tables come from the observer, before `iperf Done.`.
      _ = try await client.run()
    } catch {
      throw ExitCode(1)
    }
  }

  /// The iperf3 3.21 flags and the personality's defaults, applied to a client.
  static func configure(
    _ configuration: inout ClientConfiguration, common: CommonOptions, options: ClientOptions,
    iperf: IperfCommonOptions, iperfClient: IperfClientOptions
  ) {
    configuration.dataPath = iperf.dataPath(
      configuration.dataPath, receiveCopy: common.receiveCopy)
    configuration.dataPath.repeatingPayload = iperfClient.repeatingPayload
    // iperf3's client waits 120 s for data before it gives up.
    if Personality.isIperf3 && common.rcvTimeout == nil {
      configuration.idleTimeout = .seconds(120)
    }
    // -F with no end condition: the file's size is the test's length, as in iperf3.
    if let file = iperf.file, options.time == nil, options.bytes == nil,
      options.blocks == nil, let size = DiskFile.size(of: file), size > 0
    {
      configuration.parameters.num = size
      configuration.parameters.time = 0
    }
    iperf.apply(to: &configuration.tuning)
    iperfClient.apply(to: &configuration.parameters, tuning: &configuration.tuning)
    if iperf.skipReceiveCopy { configuration.parameters.skipReceiveCopy = true }
    if iperf.mptcp { configuration.parameters.multipath = true }
    if let cpus = try? iperf.cpus() {
      configuration.cpuAffinity = cpus.local
      configuration.parameters.serverAffinity = cpus.server
    }
  }

  /// Adds the `bondperf` member (how it was invoked) to `-J` when it runs as iperf3.
  static func decorating(
    _ decorate: @escaping @Sendable (TestRecord) -> TestRecord, receiveCopies: Bool
  ) -> @Sendable (TestRecord) -> TestRecord {
    guard Personality.isIperf3 else { return decorate }
    return { record in
      var record = decorate(record)
      record.invocation = Personality.json(receiveCopies: receiveCopies)
      return record
    }
  }

  /// `-V` adds iperf3's CPU utilization line after the summary.
  static func trailer(
    _ trailer: @escaping @Sendable (TestRecord) -> String, verbose: Bool
  ) -> @Sendable (TestRecord) -> String {
    guard verbose else { return trailer }
    return { record in
      var text = trailer(record)
      if let summary = record.summary {
        let localSends = summary.streams.isEmpty || summary.streams.contains { $0.localSends }
        // iperf3's server prints no CPU line when it only received.
        let isServer = record.start?.role == .server
        if !isServer || localSends {
          text += cpuLine(summary, localSends: localSends)
        }
        // Then each end's TCP congestion algorithm, sender's first, as iperf3 prints them.
        let sender = localSends ? summary.localCongestion : summary.remoteCongestion
        let receiver = localSends ? summary.remoteCongestion : summary.localCongestion
        if let sender { text += "snd_tcp_congestion \(sender)\n" }
        if let receiver { text += "rcv_tcp_congestion \(receiver)\n" }
      }
      return text
    }
  }

  /// iperf3's `CPU Utilization: local/sender 2.5% (0.2%u/2.3%s), remote/receiver ...`,
  /// named by what this end did (a `-R` client is the receiver).
  private static func cpuLine(_ summary: TestSummary, localSends: Bool) -> String {
    let local = summary.localCPU
    let remote = summary.remoteCPU
    func percent(_ value: Double) -> String { Units.fixed(value, decimals: 1) + "%" }
    return "CPU Utilization: local/\(localSends ? "sender" : "receiver") "
      + "\(percent(local.total)) (\(percent(local.user))u/\(percent(local.system))s), "
      + "remote/\(localSends ? "receiver" : "sender") "
      + "\(percent(remote.total)) (\(percent(remote.user))u/\(percent(remote.system))s)\n"
  }

  static func server(
    common: CommonOptions, options: ServerOptions, iperf: IperfCommonOptions,
    iperfServer: IperfServerOptions, bond: BondOptions, authentication: ServerAuthentication? = nil
  ) async throws {
    if iperfServer.daemon && !Daemon.isChild {
      // The background copy does the serving; this process only starts it.
      do {
        _ = try Daemon.spawnChild(arguments: CommandLine.arguments)
      } catch {
        StandardStreams.writeError("bondperf: error - \(error)\n")
        throw ExitCode(1)
      }
      return
    }
    if options.journal && common.isJSON {
      throw ValidationErrorText("--journal and -J/--json-stream cannot be used together.")
    }
    let sink = try common.makeSink()
    let journalSink = common.logfile == nil ? OutputSink(file: .standardError) : sink
    let journal = options.journal
    let pidFile = try iperf.applyProcessSettings(
      sink: sink, textMode: !common.isJSON, title: nil)
    defer { pidFile?.remove() }
    if Personality.isIperf3 && !common.isJSON { sink.line(Personality.line) }
    if iperf.verbose && !common.isJSON { sink.write(BondPerfVersion.banner) }
    let setup = try bond.serverSetup()
    let receiveCopies = iperf.dataPath(common.dataPath, receiveCopy: common.receiveCopy)
      .receiveCopies
    let decorate = decorating(setup.decorating, receiveCopies: receiveCopies)
    let slaveNames = setup.slaveNames
    var configuration = options.configuration(common: common)
    configuration.dataPath = iperf.dataPath(configuration.dataPath, receiveCopy: common.receiveCopy)
    iperf.apply(to: &configuration.tuning)
    iperfServer.apply(to: &configuration)
    configuration.cpuAffinity = (try? iperf.cpus())?.map { $0.local }
    let fullJSON = iperf.jsonStreamFullOutput
    let verbose = iperf.verbose
    configuration.authentication = authentication
    do {
      configuration.inheritedListener = try SystemdSockets.inherited().first
    } catch {
      throw ValidationErrorText("cannot use the socket systemd passed: \(error)")
    }
    let server = Server(
      configuration: configuration,
      makeObserver: {
        journal
          ? JournalObserver(sink: journalSink)
          : common.makeObserver(
            sink: sink, slaveNames: slaveNames, decorate: decorate,
            trailer: trailer({ _ in "" }, verbose: verbose), fullJSON: fullJSON, verbose: verbose)
      },
      bond: setup)
    let sources = Signals.onTermination { _ in server.stop() }
    defer { sources.forEach { $0.cancel() } }
    // Text mode prints "Server listening on PORT" before each test; -J and --json-stream
    // keep standard output for JSON, so they say it once on standard error (for -p 0).
    // Installed as iperf3, a -J server is as quiet as iperf3's until its test ends.
    let announce = (common.isJSON && !Personality.isIperf3) || journal
    do {
      try await server.run { address in
        if announce { StandardStreams.writeError("Server listening on \(address.port)\n") }
      }
    } catch {
      sink.line("bondperf: error - \(error)")
      throw ExitCode(1)
    }
  }
}
