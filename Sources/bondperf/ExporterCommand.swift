import ArgumentParser
import BondPerfCore
import Dispatch

/// `bondperf exporter`: Prometheus metrics of short tests, blackbox-exporter style.
extension Bondperf {
  struct Exporter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "exporter",
      abstract: "Serve Prometheus metrics: /probe?target=HOST runs one short test.",
      discussion: """
        GET /probe?target=HOST[&port=5201&parallel=N&time=S&reverse=1&calibrate=1] runs one test \
        against HOST's bondperf or iperf3 server (pinned on the bond toward it, as \
        'bondperf client' pins) and answers with its metrics: totals, per-stream and \
        per-slave bytes and rates, predicted and measured streams per slave, verdicts, \
        bondperf_probe_success. GET /metrics gives the exporter's own metrics. Both speak \
        Prometheus' text format, and OpenMetrics when the Accept header asks for it.
        """)

    @Option(
      help: ArgumentHelp(
        "Address and port to serve HTTP on (default 127.0.0.1:9516; [::]:9516 for every "
          + "address).",
        valueName: "addr:port"))
    var listen: ListenAddress?

    @Option(help: "Probes run at once; more are refused with 503 (default 1).")
    var maxProbes = 1

    @Option(help: "Longest test a probe may ask for, in seconds (default 30).")
    var maxTime = 30

    @Option(help: "A probe's test length when it gives no time=, in seconds (default 5).")
    var defaultTime = 5

    @OptionGroup var bond: BondOptions
    @OptionGroup var pinning: PinningOptions

    func validate() throws {
      try bond.validateClient(pinning: pinning, cport: nil)
      guard (1...16).contains(maxProbes) else {
        throw ValidationError("--max-probes must be between 1 and 16, got \(maxProbes).")
      }
      guard TestBounds.seconds.contains(maxTime) else {
        throw ValidationError(
          "--max-time must be between \(TestBounds.seconds.errorText) seconds, got \(maxTime).")
      }
      guard (1...maxTime).contains(defaultTime) else {
        throw ValidationError(
          "--default-time must be between 1 and --max-time (\(maxTime)), got \(defaultTime).")
      }
    }

    func run() async throws {
      var configuration = BondPerfCore.Exporter.Configuration()
      configuration.maxProbes = maxProbes
      configuration.maxSeconds = maxTime
      configuration.defaultSeconds = defaultTime
      configuration.calibrationBudget = .milliseconds(Int(pinning.calibrateBudget * 1000))
      let runner = ProbeRunner(bond: bond, pinning: pinning)
      let exporter = BondPerfCore.Exporter(configuration: configuration) { probe, deadline in
        await runner.run(probe, deadline: deadline)
      }
      guard let listen = listen ?? ListenAddress(argument: "127.0.0.1:9516") else {
        throw ValidationErrorText("no address to listen on; give --listen ADDR:PORT")
      }
      let server: HTTPServer
      do {
        let listener = try SystemdSockets.inherited().first ?? HTTPServer.listen(on: listen.address)
        var limits = HTTPServer.Limits()
        limits.maxConnections = maxProbes + 8
        server = try HTTPServer(listener: listener, limits: limits) { request, _ in
          exporter.handle(request)
        }
      } catch {
        throw ValidationErrorText("cannot listen on \(listen): \(error)")
      }
      let sources = Signals.onTermination { _ in server.stop() }
      defer { sources.forEach { $0.cancel() } }
      let address = try server.address
      StandardStreams.writeError(
        "bondperf exporter listening on \(ListenAddress(address: address))\n")
      try await server.run()
    }
  }
}

extension ListenAddress {
  init(address: SocketAddress) {
    self.address = address
  }
}
