import ArgumentParser
import BondPerfCore
import Dispatch
import Foundation

/// Runs a client or a server test for the CLI: signals, output, exit status.
enum RunTest {
  static func client(
    host: String, common: CommonOptions, options: ClientOptions, bond: BondOptions,
    pinning: PinningOptions, prometheus: PrometheusOption = PrometheusOption()
  ) async throws {
    let sink = try common.makeSink()
    var configuration = options.configuration(host: host, common: common)
    let setup = try bond.clientSetup(
      host: host, common: common, client: options, pinning: pinning,
      configuration: &configuration, sink: sink)
    let observer = RecordKeeper(
      common.makeObserver(
        sink: sink, slaveNames: setup.slaveNames, decorate: setup.decorating,
        trailer: setup.trailer))
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

  static func server(
    common: CommonOptions, options: ServerOptions, bond: BondOptions
  ) async throws {
    if options.journal && common.isJSON {
      throw ValidationErrorText("--journal and -J/--json-stream cannot be used together.")
    }
    let sink = try common.makeSink()
    let journalSink = common.logfile == nil ? OutputSink(file: .standardError) : sink
    let journal = options.journal
    let setup = try bond.serverSetup()
    let decorate = setup.decorating
    let slaveNames = setup.slaveNames
    var configuration = options.configuration(common: common)
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
          : common.makeObserver(sink: sink, slaveNames: slaveNames, decorate: decorate)
      },
      bond: setup)
    let sources = Signals.onTermination { _ in server.stop() }
    defer { sources.forEach { $0.cancel() } }
    // Text mode prints "Server listening on PORT" before each test; -J and --json-stream
    // keep standard output for JSON, so they say it once on standard error (for -p 0).
    let announce = common.isJSON || journal
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
