import ArgumentParser
import BondPerfCore
import Dispatch
import Foundation

/// Runs a client or a server test for the CLI: signals, output, exit status.
enum RunTest {
  static func client(host: String, options: TestOptions, bond: BondOptions) async throws {
    let sink = try options.makeSink()
    var configuration = options.clientConfiguration(host: host)
    let setup = try bond.clientSetup(
      host: host, options: options, configuration: &configuration, sink: sink)
    let observer = options.makeObserver(
      sink: sink, slaveNames: setup.slaveNames, decorate: setup.decorating)
    let client = Client(
      configuration: configuration, observer: observer, bond: setup)
    let sources = Signals.onTermination { _ in
      guard !client.interrupt() else { return }  // the test winds down and reports
      // Connecting, setting up or exchanging results (or a second signal): don't wait.
      observer.failed("\(PerfError.interrupted)", record: TestRecord())
      exit(1)
    }
    defer { sources.forEach { $0.cancel() } }
    do {
      let record = try await client.run()
      if !(options.json || options.jsonStream) { setup.printSummary(record, sink) }
    } catch {
      throw ExitCode(1)
    }
  }

  static func server(options: TestOptions, limits: ServerOptions, bond: BondOptions) async throws {
    let sink = try options.makeSink()
    let setup = try bond.serverSetup(options: options)
    let decorate = setup.decorating
    let slaveNames = setup.slaveNames
    var configuration = options.serverConfiguration()
    limits.apply(to: &configuration)
    let server = Server(
      configuration: configuration,
      makeObserver: {
        options.makeObserver(sink: sink, slaveNames: slaveNames, decorate: decorate)
      },
      bond: setup)
    let sources = Signals.onTermination { _ in server.stop() }
    defer { sources.forEach { $0.cancel() } }
    // Text mode prints "Server listening on PORT" before each test; -J and --json-stream
    // keep standard output for JSON, so they say it once on standard error (for -p 0).
    let announce = options.json || options.jsonStream
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

extension Bondperf {
  struct Server: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve iperf3-compatible tests (same as bondperf -s).")
    @OptionGroup var options: TestOptions
    @OptionGroup(title: "Server limits") var limits: ServerOptions
    @OptionGroup var bond: BondOptions

    func validate() throws { try options.validateCommon() }

    func run() async throws {
      try await RunTest.server(options: options, limits: limits, bond: bond)
    }
  }

  struct Client: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a test against a bondperf or iperf3 server (same as bondperf -c HOST).")
    @Argument(help: "The server's host name or address.")
    var host: String
    @OptionGroup var options: TestOptions
    @OptionGroup var bond: BondOptions

    func validate() throws {
      try options.validateClient()
      try bond.validate(options: options)
    }

    func run() async throws { try await RunTest.client(host: host, options: options, bond: bond) }
  }
}
